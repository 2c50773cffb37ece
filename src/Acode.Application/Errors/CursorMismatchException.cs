namespace Acode.Application.Errors;

/// <summary>
/// A well-formed cursor that was printed for a different query: another sort order, or another filter (states,
/// created/updated range, title). Continuing from it would mix two listings, so it is refused; nothing was read.
/// </summary>
public sealed class CursorMismatchException(string reason) : InvalidCursorException(reason);

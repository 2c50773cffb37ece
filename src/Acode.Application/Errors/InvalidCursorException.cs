namespace Acode.Application.Errors;

/// <summary>
/// A page cursor that <see cref="IRunStateStore.QuerySessionsAsync"/> cannot continue from: not a cursor it printed, or
/// (<see cref="CursorMismatchException"/>) one printed for another query. <see cref="ArgumentException.ParamName"/> is
/// <c>cursor</c>; <see cref="Reason"/> is the message without the parameter suffix, for a user-facing error.
/// </summary>
public class InvalidCursorException : ArgumentException
{
    /// <summary>A cursor error for parameter <c>cursor</c>.</summary>
    /// <param name="reason">What is wrong with the cursor and what to do (becomes <see cref="Reason"/>).</param>
    /// <param name="innerException">The decoding error, if any.</param>
    public InvalidCursorException(string reason, Exception? innerException = null)
        : base(reason, "cursor", innerException)
    {
        Reason = reason;
    }

    /// <summary>What is wrong with the cursor and what to do, in one or two sentences.</summary>
    public string Reason { get; }
}

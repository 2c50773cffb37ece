namespace Acode.Application.Transcripts;

/// <summary>An imported session that was removed (see <see cref="IRemovedImportLog"/>).</summary>
/// <param name="SessionId">The session's id (<c>sess_…</c>), the one its transcript gives on every import.</param>
/// <param name="RemovedAt">When it was removed (UTC).</param>
/// <param name="Reason">What removed it: <c>session delete</c>, <c>db prune</c>, <c>retention</c> or <c>DeleteSessionAsync</c> (a host's call).</param>
public sealed record RemovedImport(string SessionId, DateTimeOffset RemovedAt, string Reason);

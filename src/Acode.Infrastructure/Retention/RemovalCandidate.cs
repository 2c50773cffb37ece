namespace Acode.Infrastructure.Retention;

/// <summary>A session as a removal sees it.</summary>
/// <param name="Id">The session id (<c>sess_…</c>).</param>
/// <param name="Title">Its title, for listings and the confirmation prompt.</param>
/// <param name="State">Its state.</param>
/// <param name="UpdatedAt">When it last changed (UTC).</param>
/// <param name="Unsynced">True when some of its changes are not yet delivered to PostgreSQL (pending or dead-lettered outbox records).</param>
internal sealed record RemovalCandidate(string Id, string Title, SessionState State, DateTimeOffset UpdatedAt, bool Unsynced);

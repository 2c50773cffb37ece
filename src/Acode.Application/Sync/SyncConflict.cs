namespace Acode.Application.Sync;

/// <summary>
/// One row of PostgreSQL's <c>sync_conflicts</c>: an incoming change based on a version other than the stored one, with
/// both versions kept. Payloads are the entity documents as JSON text; <see cref="ExistingPayload"/> is null when the
/// stored row was gone.
/// </summary>
/// <param name="Id">The row's id: newer conflicts have larger ids; the keyset of <see cref="ISyncConflictReader"/>.</param>
/// <param name="EntityType">Session, SessionTask, Step, ToolCall, Artifact or SessionEvent.</param>
/// <param name="EntityId">The entity both versions are of.</param>
/// <param name="SessionId">The session it belongs to.</param>
/// <param name="IncomingOrigin">The workspace id that sent the incoming version.</param>
/// <param name="IncomingBaseVersion">The version the incoming change was based on.</param>
/// <param name="IncomingVersion">The incoming version.</param>
/// <param name="IncomingPayload">The incoming document, JSON.</param>
/// <param name="ExistingOrigin">The workspace id that wrote the stored version; null when the row was gone.</param>
/// <param name="ExistingVersion">The stored version; null when the row was gone.</param>
/// <param name="ExistingPayload">The stored document, JSON; null when the row was gone.</param>
/// <param name="Winner"><c>incoming</c> or <c>existing</c>: the version kept under last-writer-wins.</param>
/// <param name="DetectedAt">When PostgreSQL saw the conflict.</param>
public sealed record SyncConflict(
    long Id,
    string EntityType,
    string EntityId,
    string SessionId,
    string IncomingOrigin,
    long IncomingBaseVersion,
    long IncomingVersion,
    string IncomingPayload,
    string? ExistingOrigin,
    long? ExistingVersion,
    string? ExistingPayload,
    string Winner,
    DateTimeOffset DetectedAt)
{
    /// <summary>
    /// When the stored row belongs to another session than <see cref="SessionId"/>: that session. The incoming change
    /// would have moved the row between sessions, which never happens (docs/architecture.md, "Conflicts"): the stored
    /// row was kept (<see cref="Winner"/> is <c>existing</c>). Null for every other conflict.
    /// </summary>
    public string? OwningSessionId { get; init; }

    /// <summary>True when the session <see cref="SessionId"/> is deleted in PostgreSQL now (a tombstone): it has no page to open.</summary>
    public bool SessionDeleted { get; init; }

    /// <summary>True when the incoming side is the session's deletion (a session change or a removed child that lost to it).</summary>
    public bool IncomingIsDeletion { get; init; }

    /// <summary>True when the stored side is the session's tombstone (a change that arrived after the session was deleted).</summary>
    public bool ExistingIsDeletion { get; init; }

    /// <summary>The name the <see cref="IncomingOrigin"/> workspace reported when it last synced (<c>workspaces.name</c>); null when it reported none.</summary>
    public string? IncomingOriginName { get; init; }

    /// <summary>The name the <see cref="ExistingOrigin"/> workspace reported when it last synced; null when it reported none or the row was gone.</summary>
    public string? ExistingOriginName { get; init; }
}

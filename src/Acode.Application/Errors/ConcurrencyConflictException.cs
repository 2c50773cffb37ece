namespace Acode.Application.Errors;

/// <summary>
/// A save found that the stored row of an entity is no longer the version the change was based on: it was saved from
/// another copy of the session (another <c>GetSessionAsync</c>, another process), imported over, or deleted, after this
/// object was loaded. The whole save was rolled back; the object still holds its pending changes.
/// </summary>
/// <remarks>
/// Appending events never causes it: <c>AppendEventAsync</c> and the events of a held session go to the end of the log
/// whoever appended first, and neither changes the session's version (see <see cref="IRunStateStore"/>).
/// </remarks>
public sealed class ConcurrencyConflictException : InvalidOperationException
{
    /// <summary>A conflict whose stored version was read: <paramref name="storedVersion"/> names it, or null says the row was deleted.</summary>
    /// <param name="entityType">The entity whose update matched no row.</param>
    /// <param name="entityId">Its id.</param>
    /// <param name="expectedVersion">The version the change was based on (the one loaded).</param>
    /// <param name="storedVersion">The version stored now; null when the row no longer exists (deleted).</param>
    public ConcurrencyConflictException(EntityType entityType, string entityId, long expectedVersion, long? storedVersion)
        : base(Describe(entityType, entityId, expectedVersion, storedVersion))
    {
        EntityType = entityType;
        EntityId = entityId;
        ExpectedVersion = expectedVersion;
        StoredVersion = storedVersion;
        IsDeleted = storedVersion is null;
    }

    /// <summary>A conflict whose stored state is not known (the stored row was not read).</summary>
    public ConcurrencyConflictException(EntityType entityType, string entityId, long expectedVersion)
        : base($"{entityType} {entityId} was saved by another copy of its session, imported over or deleted since this object was loaded at version {expectedVersion}. Nothing was saved: reload the session with GetSessionAsync and apply the change again.")
    {
        EntityType = entityType;
        EntityId = entityId;
        ExpectedVersion = expectedVersion;
    }

    /// <summary>The kind of the entity whose stored row was not the expected version.</summary>
    public EntityType EntityType { get; }

    /// <summary>The id of that entity (<c>sess_…</c>, <c>task_…</c>, …).</summary>
    public string EntityId { get; }

    /// <summary>The version the change was based on.</summary>
    public long ExpectedVersion { get; }

    /// <summary>The version stored when the save failed; null when the row is gone or was not read.</summary>
    public long? StoredVersion { get; }

    /// <summary>True when the stored row no longer exists: the session (or this child) was deleted meanwhile.</summary>
    public bool IsDeleted { get; }

    private static string Describe(EntityType entityType, string entityId, long expectedVersion, long? storedVersion) => storedVersion is { } stored
        ? $"{entityType} {entityId} is at version {stored} in the database, but this object was loaded at version {expectedVersion}: it was saved since from another copy of its session (another GetSessionAsync, another process) or imported over. Nothing was saved: reload the session with GetSessionAsync and apply the change again."
        : $"{entityType} {entityId} no longer exists in the database: its session was deleted after this object was loaded at version {expectedVersion}. Nothing was saved: the session is gone; start a new one or import it again.";

    /// <summary>
    /// The session was deleted (by another writer, or through another copy) since this copy was loaded: the save would
    /// add a row under a parent that no longer exists. <see cref="SessionWasDeleted"/> and <see cref="IsDeleted"/> are true.
    /// </summary>
    /// <param name="sessionId">The deleted session.</param>
    /// <param name="entityType">The entity the save tried to add.</param>
    /// <param name="entityId">Its id.</param>
    public static ConcurrencyConflictException SessionDeleted(string sessionId, EntityType entityType, string entityId)
        => new($"Session {sessionId} was deleted since it was loaded, so {entityType} {entityId} cannot be added to it. Nothing was saved: the session is gone; create a new one (or import it again) to keep working.", entityType, entityId, sessionId);

    /// <summary>
    /// The stored row of a changed entity belongs to another session: the object is a copy of another session's child
    /// (an edited export rebuilt under a new session id whose children kept theirs). A row never moves between sessions
    /// (docs/architecture.md, "Conflicts"), so nothing was saved. <see cref="OwningSessionId"/> names the owner.
    /// </summary>
    /// <param name="sessionId">The session being saved.</param>
    /// <param name="entityType">The entity whose stored row belongs elsewhere.</param>
    /// <param name="entityId">Its id.</param>
    /// <param name="owningSessionId">The session its stored row belongs to.</param>
    public static ConcurrencyConflictException OtherSession(string sessionId, EntityType entityType, string entityId, string owningSessionId)
        => new($"{entityType} {entityId} belongs to session {owningSessionId}, not to {sessionId}: a row never moves to another session. Nothing was saved: give the copied rows new ids (save them as new work in {sessionId}) or change them through session {owningSessionId}.", entityType, entityId)
        {
            OwningSessionId = owningSessionId,
        };

    private ConcurrencyConflictException(string message, EntityType entityType, string entityId)
        : base(message)
    {
        EntityType = entityType;
        EntityId = entityId;
    }

    /// <summary>When the changed row belongs to another session (<see cref="OtherSession"/>): that session's id; otherwise null.</summary>
    public string? OwningSessionId { get; private init; }

    private ConcurrencyConflictException(string message, EntityType entityType, string entityId, string sessionId)
        : base(message)
    {
        EntityType = entityType;
        EntityId = entityId;
        DeletedSessionId = sessionId;
        IsDeleted = true;
    }

    /// <summary>Whether the conflict is that the session itself was deleted.</summary>
    public bool SessionWasDeleted => DeletedSessionId is not null;

    /// <summary>The deleted session's id when <see cref="SessionWasDeleted"/>; otherwise null.</summary>
    public string? DeletedSessionId { get; }
}

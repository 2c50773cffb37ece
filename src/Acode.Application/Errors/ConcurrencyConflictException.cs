namespace Acode.Application.Errors;

/// <summary>
/// A save found that another writer changed the entity since it was loaded (its stored version is not the
/// one the change was based on). The whole save was rolled back.
/// </summary>
public sealed class ConcurrencyConflictException : InvalidOperationException
{
    public ConcurrencyConflictException(EntityType entityType, string entityId, long expectedVersion)
        : base($"{entityType} {entityId} was changed by another writer since it was loaded (this change was based on version {expectedVersion}). Nothing was saved: reload the session with GetSessionAsync and apply the change again.")
    {
        EntityType = entityType;
        EntityId = entityId;
        ExpectedVersion = expectedVersion;
    }

    public EntityType EntityType { get; }

    public string EntityId { get; }

    public long ExpectedVersion { get; }

    /// <summary>
    /// The session was deleted (by another writer, or through another copy) since this copy was loaded: the save would
    /// add a row under a parent that no longer exists. <see cref="SessionWasDeleted"/> is true.
    /// </summary>
    /// <param name="sessionId">The deleted session.</param>
    /// <param name="entityType">The entity the save tried to add.</param>
    /// <param name="entityId">Its id.</param>
    public static ConcurrencyConflictException SessionDeleted(string sessionId, EntityType entityType, string entityId)
        => new($"Session {sessionId} was deleted since it was loaded, so {entityType} {entityId} cannot be added to it. Nothing was saved: the session is gone; create a new one (or import it again) to keep working.", entityType, entityId, sessionId);

    private ConcurrencyConflictException(string message, EntityType entityType, string entityId, string sessionId)
        : base(message)
    {
        EntityType = entityType;
        EntityId = entityId;
        DeletedSessionId = sessionId;
    }

    /// <summary>Whether the conflict is that the session itself was deleted.</summary>
    public bool SessionWasDeleted => DeletedSessionId is not null;

    /// <summary>The deleted session's id when <see cref="SessionWasDeleted"/>; otherwise null.</summary>
    public string? DeletedSessionId { get; }
}

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
}

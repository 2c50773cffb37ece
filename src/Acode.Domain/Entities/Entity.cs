namespace Acode.Domain.Entities;

/// <summary>
/// What every run entity carries: a version that goes up by one with every saved change, and UTC
/// <see cref="CreatedAt"/>/<see cref="UpdatedAt"/> stamps (100 ns precision, strictly increasing per entity).
/// </summary>
/// <remarks>
/// Stamps are given by the store when it commits a change (<see cref="EntityStamp"/>), never by the caller:
/// an entity that was never saved has <see cref="Version"/> 0. A mutation marks the entity changed and
/// registers it with its session, so a save visits only what changed, however large the session is.
/// </remarks>
public abstract class Entity
{
    /// <summary>Which kind of entity this is (the row's table, the outbox record's type).</summary>
    public abstract EntityType EntityType { get; }

    /// <summary>The prefixed ID as text (<c>sess_…</c>, <c>tc_…</c>, …).</summary>
    public abstract string EntityId { get; }

    /// <summary>The version of the last saved change; 0 until the entity is first saved.</summary>
    public long Version { get; private set; }

    /// <summary>When the entity was first saved (UTC); <see cref="DateTimeOffset.MinValue"/> until then.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the stored version was written (UTC, from the store's hybrid logical clock: strictly later than the previous version's).</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>True until the entity is first saved (<see cref="Version"/> 0).</summary>
    public bool IsNew => Version == 0;

    /// <summary>True when the entity holds changes that are not saved yet.</summary>
    public bool HasChanges { get; private set; }

    /// <summary>The session this entity belongs to (the session itself for a <see cref="Session"/>).</summary>
    internal abstract Session Root { get; }

    internal void ApplyStamp(EntityStamp stamp)
    {
        if (stamp.Version != Version + 1)
        {
            throw new InvalidOperationException($"{EntityType} {EntityId} is at version {Version}; a save cannot stamp it with version {stamp.Version}.");
        }

        if (IsNew)
        {
            CreatedAt = stamp.UpdatedAt;
        }

        Version = stamp.Version;
        UpdatedAt = stamp.UpdatedAt;
        HasChanges = false;
    }

    /// <summary>Marks the entity changed and queues it for the next save of its session.</summary>
    private protected void MarkChanged()
    {
        if (!HasChanges)
        {
            HasChanges = true;
            Root.Track(this);
        }
    }

    /// <summary>Sets the persisted stamps when an entity is rebuilt from storage or an export.</summary>
    private protected void RestoreStamps(long version, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        Version = version;
        CreatedAt = createdAt.ToUniversalTime();
        UpdatedAt = updatedAt.ToUniversalTime();
        HasChanges = false;
    }
}

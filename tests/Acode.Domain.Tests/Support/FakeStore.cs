using Acode.Domain.Entities;
using Acode.Domain.Time;

namespace Acode.Domain.Tests.Support;

/// <summary>Stamps a session's pending changes the way a store does when it commits them.</summary>
internal static class FakeStore
{
    /// <summary>One stamp per pending change: the next version, and a clock stamp past the entity's last one.</summary>
    public static List<EntityStamp> StampsFor(Session session, HybridClock clock)
        => [.. session.PendingChanges.Select(e => new EntityStamp(e, e.Version + 1, clock.Next(e.UpdatedAt)))];

    /// <summary>Accepts stamps for every pending change and returns the entities that were saved, in order.</summary>
    public static List<Entity> Save(Session session, HybridClock clock)
    {
        List<Entity> saved = [.. session.PendingChanges];
        session.AcceptChanges(StampsFor(session, clock));
        return saved;
    }
}

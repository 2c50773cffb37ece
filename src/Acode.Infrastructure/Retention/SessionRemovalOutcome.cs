using Acode.Infrastructure.Sqlite;

namespace Acode.Infrastructure.Retention;

/// <summary>What <see cref="SessionRemover.RemoveAsync"/> removed and the space it gave back.</summary>
/// <param name="Result">The sessions removed, skipped and not found.</param>
/// <param name="Space">The files before and after; null when the removal was stopped.</param>
internal sealed record SessionRemovalOutcome(SessionRemovalResult Result, SpaceReport? Space)
{
    /// <summary>
    /// A stop signal ended it between two batches or while the space was given back: the sessions of
    /// <see cref="SessionRemovalResult.Removed"/> went, the others stay whole, and no space was given back yet.
    /// </summary>
    public bool Stopped { get; init; }
}

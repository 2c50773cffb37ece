using Acode.Infrastructure.Sqlite;

namespace Acode.Infrastructure.Retention;

/// <summary>What a prune removed (or, in a dry run, would remove) and the space it gave back.</summary>
/// <param name="Removed">Ids of the sessions removed, oldest change first.</param>
/// <param name="KeptUnsynced">Ids of the sessions that matched but were kept because their changes are not all delivered.</param>
/// <param name="Space">The files before and after; null in a dry run and in a prune that was stopped.</param>
internal sealed record PruneReport(IReadOnlyList<string> Removed, IReadOnlyList<string> KeptUnsynced, SpaceReport? Space)
{
    /// <summary>
    /// The prune was stopped between two batches of removals (Ctrl+C, SIGTERM): <see cref="Removed"/> went, the other
    /// matching sessions stay, and no space was given back (the next prune gives it).
    /// </summary>
    public bool Stopped { get; init; }
}

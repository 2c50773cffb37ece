using Acode.Infrastructure.Sqlite;

namespace Acode.Infrastructure.Retention;

/// <summary>What a prune removed (or, in a dry run, would remove) and the space it gave back.</summary>
/// <param name="Removed">Ids of the sessions removed, oldest change first.</param>
/// <param name="KeptUnsynced">Ids of the sessions that matched but were kept because their changes are not all delivered.</param>
/// <param name="Space">The files before and after; null in a dry run.</param>
internal sealed record PruneReport(IReadOnlyList<string> Removed, IReadOnlyList<string> KeptUnsynced, SpaceReport? Space);

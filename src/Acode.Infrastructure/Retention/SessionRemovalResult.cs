namespace Acode.Infrastructure.Retention;

/// <summary>What a removal did, per session id.</summary>
/// <param name="Removed">Sessions removed, in the order given.</param>
/// <param name="SkippedUnsynced">Sessions left alone because they have undelivered changes.</param>
/// <param name="NotFound">Sessions that do not exist (any more), or no longer match the cutoff or states.</param>
internal sealed record SessionRemovalResult(IReadOnlyList<string> Removed, IReadOnlyList<string> SkippedUnsynced, IReadOnlyList<string> NotFound)
{
    /// <summary>The removal stopped between two batches when asked to (Ctrl+C, SIGTERM): the sessions of the batches not begun stay.</summary>
    public bool Stopped { get; init; }
}

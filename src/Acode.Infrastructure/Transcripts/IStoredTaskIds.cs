namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// A store's cheap answer to "which task holds this ordinal in this (live) session", so that an import can tell whether
/// a transcript is another run stored under the same session without loading the whole session
/// (<see cref="Application.IRunStateStore.GetSessionAsync"/> is the fallback for a store without it).
/// </summary>
internal interface IStoredTaskIds
{
    /// <summary>The ids of the tasks of the live session <paramref name="sessionId"/> numbered <paramref name="ordinal"/>; empty when there is none (or no such session).</summary>
    Task<IReadOnlyList<string>> TaskIdsAtAsync(SessionId sessionId, int ordinal, CancellationToken cancellationToken);
}

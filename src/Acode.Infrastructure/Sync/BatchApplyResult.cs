using Acode.Application.Outbox;

namespace Acode.Infrastructure.Sync;

/// <summary>What one PostgreSQL transaction did with a batch: an outcome per record and the newest remote stamp it saw.</summary>
internal sealed record BatchApplyResult(IReadOnlyDictionary<long, ApplyOutcome> Outcomes, long MaxRemoteHlc, IReadOnlyList<OutboxRecord> Conflicts)
{
    /// <summary>
    /// The sessions of the batch that PostgreSQL held deleted (tombstones) when the batch was judged: a change to one of
    /// them, or to a child of one, was not applied because of the deletion (<see cref="ApplyOutcome.Stale"/> or
    /// <see cref="ApplyOutcome.ConflictLost"/>).
    /// </summary>
    public IReadOnlySet<string> DeletedSessionIds { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The changes of the batch that lost because PostgreSQL files their row under another session (a row never moves
    /// between sessions, <see cref="ConflictRule.MovesSession"/>): record id → the session that holds the row there. A
    /// <c>session pull</c> of the change's own session cannot take a version of such a row: PostgreSQL has none under it.
    /// </summary>
    public IReadOnlyDictionary<long, string> OwnedByOtherSession { get; init; } = new Dictionary<long, string>();

    public int Count(params ApplyOutcome[] outcomes) => Outcomes.Values.Count(outcomes.Contains);
}

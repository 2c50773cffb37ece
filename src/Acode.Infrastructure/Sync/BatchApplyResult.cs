using Acode.Application.Outbox;

namespace Acode.Infrastructure.Sync;

/// <summary>What one PostgreSQL transaction did with a batch: an outcome per record and the newest remote stamp it saw.</summary>
internal sealed record BatchApplyResult(IReadOnlyDictionary<long, ApplyOutcome> Outcomes, long MaxRemoteHlc, IReadOnlyList<OutboxRecord> Conflicts)
{
    public int Count(params ApplyOutcome[] outcomes) => Outcomes.Values.Count(outcomes.Contains);
}

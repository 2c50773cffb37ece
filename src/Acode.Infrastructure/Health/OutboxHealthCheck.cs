using Acode.Application.Outbox;
using Acode.Infrastructure.Sync;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Acode.Infrastructure.Health;

/// <summary>
/// Degraded when records are dead-lettered or the oldest pending record is older than <paramref name="stuckAfter"/>:
/// a queue that silently stops is the failure this exists to catch. Unhealthy when the host's sync stopped for good
/// (ACODE-DB-004 or ACODE-DB-002, see <see cref="SyncLoop.EndsTheLoop"/>): the message is the error's, with what to do.
/// </summary>
public sealed class OutboxHealthCheck(IOutbox outbox, TimeProvider time, TimeSpan stuckAfter) : IHealthCheck
{
    /// <summary>The host's sync loop, whose <see cref="SyncLoop.StoppedBy"/> this check reports; null when none runs.</summary>
    internal SyncLoop? Sync { get; init; }

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (Sync?.StoppedBy is { } stopped)
        {
            return HealthCheckResult.Unhealthy(
                $"The sync stopped and does not retry: {stopped.Code}: {stopped.Message} {stopped.Hint} Changes wait in the outbox; restart the host after that.", stopped);
        }

        OutboxStatistics stats = await outbox.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        TimeSpan? age = stats.OldestPendingAge(time.GetUtcNow());
        var data = new Dictionary<string, object> { ["pending"] = stats.Pending, ["deadLetters"] = stats.Failed, ["oldestPendingSeconds"] = age?.TotalSeconds ?? 0 };
        if (stats.Failed > 0)
        {
            return HealthCheckResult.Degraded($"{stats.Failed} outbox record(s) dead-lettered; see 'acode db sync status', requeue with 'acode db sync retry --all'.", data: data);
        }

        return age > stuckAfter
            ? HealthCheckResult.Degraded($"The outbox backlog is stuck: the oldest pending record is {age.Value.TotalMinutes:0} min old ({stats.Pending} pending).", data: data)
            : HealthCheckResult.Healthy($"{stats.Pending} pending, none dead-lettered.", data);
    }
}

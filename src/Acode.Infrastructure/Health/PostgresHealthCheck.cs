using Acode.Application.Sync;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Acode.Infrastructure.Health;

/// <summary>Healthy when PostgreSQL answers; Degraded (not Unhealthy) when it does not, since local work goes on (AC-025).</summary>
public sealed class PostgresHealthCheck(ISyncService sync) : IHealthCheck
{
    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        SyncStatus status = await sync.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        if (!status.Configured)
        {
            return HealthCheckResult.Healthy("PostgreSQL is not configured; the store works locally.");
        }

        return status.Reachable == true && status.Problem is null
            ? HealthCheckResult.Healthy($"{status.Target} answers (schema {status.PostgresSchemaVersion ?? "not created yet"}).")
            : HealthCheckResult.Degraded(status.Problem ?? "PostgreSQL does not answer; changes wait in the outbox.");
    }
}

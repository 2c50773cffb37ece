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
            ? HealthCheckResult.Healthy($"{status.Target} answers (schema {status.PostgresSchemaVersion ?? "not created yet"}{Behind(status)}).")
            : HealthCheckResult.Degraded(status.Problem ?? "PostgreSQL does not answer; changes wait in the outbox.");
    }

    /// <summary>", behind this program's 1.10.0: 1 migration pending, which the next sync applies" for an older schema; "" otherwise.</summary>
    private static string Behind(SyncStatus status)
        => status.PostgresSchemaVersion is not null && status.PostgresPendingMigrations.Count > 0
            ? $", behind this program's {status.PostgresLatestSchemaVersion}: {status.PostgresPendingMigrations.Count} migration(s) pending, which the next sync applies"
            : "";
}

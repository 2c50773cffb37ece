using Acode.Application.Errors;
using Acode.Infrastructure.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Acode.Infrastructure.Health;

/// <summary>Healthy when the workspace database answers a read in WAL mode.</summary>
public sealed class SqliteHealthCheck(SqliteWorkspaceDatabase database) : IHealthCheck
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _ = database.GetSyncState(cancellationToken);
            return Task.FromResult(HealthCheckResult.Healthy($"{database.Workspace.DatabasePath} answers (WAL)."));
        }
        catch (AcodeDbException ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"{ex.Code}: {ex.Message}", ex));
        }
    }
}

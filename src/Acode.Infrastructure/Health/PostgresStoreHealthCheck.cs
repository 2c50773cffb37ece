using Acode.Application.Errors;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Acode.Infrastructure.Health;

/// <summary>
/// The health of a host whose only store is PostgreSQL (<c>persistence:store:kind = postgres</c>): Healthy when the server
/// answers and holds the schema this program writes; Degraded when it answers with an older schema (or none yet), which
/// the store migrates before its first operation; Unhealthy when it does not answer or refuses (ACODE-DB-006), or holds
/// a schema this program cannot use (ACODE-DB-003 edited migration, ACODE-DB-004 newer database): with no other store,
/// nothing can be saved then. Data: <c>schemaVersion</c> (applied, or "none") and <c>latestSchemaVersion</c> (this program's).
/// Reads only; opens no workspace file.
/// </summary>
public sealed class PostgresStoreHealthCheck(NpgsqlDataSource dataSource, PostgresMigrator migrator) : IHealthCheck
{
    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string target = PostgresConnectionSettings.Redact(dataSource.ConnectionString);
        MigrationStatus status;
        try
        {
            status = await migrator.GetStatusAsync(dataSource, cancellationToken).ConfigureAwait(false);
        }
        catch (AcodeDbException ex)
        {
            // The store keeps nothing locally: the hint says so, not that local work continues and changes wait in an outbox.
            return HealthCheckResult.Unhealthy(AcodeErrors.InPostgresStore(ex, write: false).ToString(), ex);
        }

        var data = new Dictionary<string, object> { ["schemaVersion"] = status.CurrentText, ["latestSchemaVersion"] = status.LatestText };
        return status.Pending.Count == 0
            ? HealthCheckResult.Healthy($"{target} answers (schema {status.CurrentText}, current).", data)
            : HealthCheckResult.Degraded($"{target} answers with schema {status.CurrentText}; this program writes {status.LatestText}. The store migrates it before its first operation.", data: data);
    }
}

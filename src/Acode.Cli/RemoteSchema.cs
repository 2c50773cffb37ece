using Acode.Application.Errors;
using Acode.Infrastructure;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Acode.Cli;

/// <summary>
/// What every command that reads the team's PostgreSQL checks first (<c>--remote</c> reads, <c>session pull</c>,
/// <c>acode ui --remote</c>): a server is configured and holds acode's current schema. A reader migrates nothing, so an
/// empty or foreign database is named as such instead of failing later on a missing table or answering "no hits". A
/// reader writes nothing to PostgreSQL, so only SELECT on acode's tables is required: a SELECT-only role or a read
/// replica serves it (docs/postgres.md, "A reader role").
/// </summary>
internal static class RemoteSchema
{
    /// <param name="context">The invocation.</param>
    /// <param name="withoutRemote">What the command does without <c>--remote</c>, for the message when nothing is configured.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The server's schema status (current).</returns>
    /// <exception cref="AcodeDbException">
    /// ACODE-DB-007 (exit 17) when no PostgreSQL is configured; ACODE-DB-006 (exit 16) when it is unreachable, the role
    /// may not read acode's tables (the message names the SELECT GRANT), or has no acode schema or an older one; ACODE-DB-004 (exit 14) when its schema is newer than this program's.
    /// </exception>
    public static async Task<MigrationStatus> EnsureReadableAsync(CliContext context, string withoutRemote, CancellationToken cancellationToken)
    {
        (PostgresConnectionSettings target, MigrationStatus status) = await ReadStatusAsync(context, withoutRemote, cancellationToken);
        if (status.Pending.Count > 0)
        {
            throw AcodeErrors.PostgresSchemaBehind(target.Redacted, status.CurrentText, status.LatestText);
        }

        return status;
    }

    /// <summary>
    /// For a command that plans without changing anything but, run for real, migrates an older schema (<c>db prune
    /// --remote --dry-run</c>): the server holds acode's schema, of any version; a database without it (an empty one at
    /// a wrong URL) is refused as by <see cref="EnsureReadableAsync"/> instead of being given the schema (trial AQ 4).
    /// </summary>
    /// <exception cref="AcodeDbException">As <see cref="EnsureReadableAsync"/>, but not for an older schema.</exception>
    public static async Task EnsureSchemaExistsAsync(CliContext context, string withoutRemote, CancellationToken cancellationToken)
    {
        (PostgresConnectionSettings target, MigrationStatus status) = await ReadStatusAsync(context, withoutRemote, cancellationToken);
        if (status.Current is null)
        {
            throw AcodeErrors.PostgresSchemaBehind(target.Redacted, status.CurrentText, status.LatestText);
        }
    }

    private static async Task<(PostgresConnectionSettings Target, MigrationStatus Status)> ReadStatusAsync(CliContext context, string withoutRemote, CancellationToken cancellationToken)
    {
        if (context.SyncTarget is not { } target)
        {
            AcodeDbException notConfigured = AcodeErrors.PostgresNotConfigured();
            throw new AcodeDbException(notConfigured.ErrorCode, $"No PostgreSQL is configured, so there is no team database to read. {withoutRemote}", notConfigured.Hint);
        }

        IServiceProvider services = context.Services;
        NpgsqlDataSource dataSource = services.GetRequiredKeyedService<NpgsqlDataSource>(PersistenceServiceCollectionExtensions.PostgresDataSourceKey);
        MigrationStatus status = await services.GetRequiredService<PostgresMigrator>().GetReadStatusAsync(dataSource, cancellationToken);
        return (target, status);
    }
}

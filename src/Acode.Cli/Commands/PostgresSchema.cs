using Acode.Infrastructure;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Acode.Cli.Commands;

/// <summary>The PostgreSQL half of <c>acode db schema version</c> and <c>acode db migrate</c>.</summary>
internal static class PostgresSchema
{
    public static Task<MigrationStatus> GetStatusAsync(CliContext context, PostgresConnectionSettings target, CancellationToken cancellationToken)
        => Guard(target, () => Migrator(context).GetStatusAsync(DataSource(context), cancellationToken));

    /// <summary>The status as a reader needs it: SELECT on acode's tables suffices (a dry run, which writes nothing).</summary>
    public static Task<MigrationStatus> GetReadStatusAsync(CliContext context, PostgresConnectionSettings target, CancellationToken cancellationToken)
        => Guard(target, () => Migrator(context).GetReadStatusAsync(DataSource(context), cancellationToken));

    /// <summary>The status, and ACODE-DB-006 when a migration is pending that the role lacks the privilege to apply.</summary>
    public static Task<MigrationStatus> GetApplicableStatusAsync(CliContext context, PostgresConnectionSettings target, CancellationToken cancellationToken)
        => Guard(target, () => Migrator(context).GetApplicableStatusAsync(DataSource(context), cancellationToken));

    public static Task<IReadOnlyList<Migration>> MigrateAsync(CliContext context, PostgresConnectionSettings target, CancellationToken cancellationToken)
        => Guard(target, () => Migrator(context).MigrateAsync(DataSource(context), cancellationToken));

    private static PostgresMigrator Migrator(CliContext context) => context.Services.GetRequiredService<PostgresMigrator>();

    private static NpgsqlDataSource DataSource(CliContext context)
        => context.Services.GetRequiredKeyedService<NpgsqlDataSource>(PersistenceServiceCollectionExtensions.PostgresDataSourceKey);

    private static async Task<T> Guard<T>(PostgresConnectionSettings target, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (PostgresErrorMapper.Map(ex, target.Redacted) is { } unavailable)
        {
            throw unavailable;
        }
    }
}

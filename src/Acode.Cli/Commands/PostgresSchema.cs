using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Acode.Cli.Commands;

/// <summary>The PostgreSQL half of <c>acode db schema version</c> and <c>acode db migrate</c>.</summary>
internal static class PostgresSchema
{
    public static async Task<MigrationStatus> GetStatusAsync(CliContext context, PostgresConnectionSettings target, CancellationToken cancellationToken)
    {
        await using NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(target, context.LoggerFactory);
        return await Guard(target, () => new PostgresMigrator(logger: context.LoggerFactory.CreateLogger<PostgresMigrator>()).GetStatusAsync(dataSource, cancellationToken));
    }

    public static async Task<IReadOnlyList<Migration>> MigrateAsync(CliContext context, PostgresConnectionSettings target, CancellationToken cancellationToken)
    {
        await using NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(target, context.LoggerFactory);
        return await Guard(target, () => new PostgresMigrator(logger: context.LoggerFactory.CreateLogger<PostgresMigrator>()).MigrateAsync(dataSource, cancellationToken));
    }

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

using System.Text;
using Acode.Application;
using Acode.Application.Serialization;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Sync;
using Acode.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>The run-state contract on PostgreSQL (a fresh, migrated database per test).</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresRunStateStoreContractTests(PostgresFixture postgres, ITestOutputHelper output) : RunStateStoreContractTests(output)
{
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private string _connectionString = "";

    protected override async Task<IRunStateStore> CreateStoreAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync();
        await using (NpgsqlDataSource migration = NpgsqlDataSource.Create(_connectionString))
        {
            await new PostgresMigrator().MigrateAsync(migration);
        }

        return await OpenOtherStoreAsync();
    }

    protected override Task<IRunStateStore> OpenOtherStoreAsync()
    {
        NpgsqlDataSource dataSource = NpgsqlDataSource.Create(_connectionString);
        _dataSources.Add(dataSource);
        return Task.FromResult<IRunStateStore>(new PostgresRunStateStore(dataSource, "pg_contract"));
    }

    protected override async Task<string> SnapshotAsync()
    {
        var text = new StringBuilder();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(_connectionString);
        foreach (string table in new[] { "sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events" })
        {
            string deleted = table == "sessions" ? "deleted_at IS NOT NULL" : "false";
            await using NpgsqlCommand rows = dataSource.CreateCommand($"SELECT id, version, hlc, origin, {deleted} FROM {table} ORDER BY id COLLATE \"C\";");
            await using NpgsqlDataReader reader = await rows.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{table}:{reader.GetString(0)}={reader.GetInt64(1)}/{reader.GetInt64(2)}/{reader.GetString(3)}/{reader.GetBoolean(4)}\n");
            }
        }

        await using NpgsqlCommand footprints = dataSource.CreateCommand("SELECT (SELECT count(*) FROM sync_applied) || '/' || (SELECT count(*) FROM sync_conflicts);");
        return text.Append("sync:").Append(await footprints.ExecuteScalarAsync()).ToString();
    }

    protected override string AsStored(string documentJson)
    {
        string sanitized = PostgresText.Sanitize(documentJson);
        return ReferenceEquals(sanitized, documentJson) ? documentJson : EntityJson.Serialize(EntityJson.Deserialize(sanitized));
    }

    protected override async Task DisposeStoreAsync()
    {
        foreach (NpgsqlDataSource dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }
}

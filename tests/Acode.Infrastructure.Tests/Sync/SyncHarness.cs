using Acode.Application.Options;
using Acode.Application.Sync;
using Acode.Domain.Time;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>One workspace (real SQLite file) syncing into one fresh PostgreSQL database of the shared test server.</summary>
internal sealed class SyncHarness : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    private SyncHarness(string connectionString, TimeProvider time, SyncOptions options, ILoggerFactory? loggerFactory, string? copyAgentDirectory = null)
    {
        if (copyAgentDirectory is not null)
        {
            // What `cp -r` of the workspace folder does: every file of .agent/ byte for byte (database, WAL, shared memory).
            Directory.CreateDirectory(_workspace.Workspace.AgentDirectory);
            foreach (string file in Directory.GetFiles(copyAgentDirectory))
            {
                File.Copy(file, Path.Combine(_workspace.Workspace.AgentDirectory, Path.GetFileName(file)));
            }
        }

        ConnectionString = connectionString;
        Clock = new HybridClock(time);
        Signal = new OutboxSignal();
        Database = SqliteWorkspaceDatabase.Open(_workspace.Workspace, new SqliteOptions(), loggerFactory, time);
        Store = new SqliteRunStateStore(Database, Clock, Signal);
        Outbox = new SqliteOutbox(Database);
        Target = PostgresConnectionSettings.Parse(connectionString, "test");
        Sync = new OutboxSyncService(Database, Target, options, Clock);
    }

    public string ConnectionString { get; }

    public HybridClock Clock { get; }

    public OutboxSignal Signal { get; }

    public SqliteWorkspaceDatabase Database { get; }

    public SqliteRunStateStore Store { get; }

    public SqliteOutbox Outbox { get; }

    public PostgresConnectionSettings Target { get; }

    public OutboxSyncService Sync { get; }

    public string DatabasePath => _workspace.DatabasePath;

    public static async Task<SyncHarness> CreateAsync(PostgresFixture fixture, TimeProvider? time = null, SyncOptions? options = null, string? connectionString = null, ILoggerFactory? loggerFactory = null)
        => new(connectionString ?? await fixture.CreateDatabaseAsync(), time ?? TimeProvider.System, options ?? new SyncOptions(), loggerFactory);

    /// <summary>
    /// A second workspace that is a byte copy of <paramref name="original"/>'s folder (<c>cp -r</c>, <c>.agent/</c>
    /// included), taken now, syncing into the same PostgreSQL database: it shares the original's workspace id.
    /// </summary>
    public static SyncHarness CopyOf(SyncHarness original, TimeProvider? time = null)
        => new(original.ConnectionString, time ?? TimeProvider.System, new SyncOptions(), null, original.Database.Workspace.AgentDirectory);

    public async Task<long> PgCountAsync(string sql, params object[] parameters)
        => Convert.ToInt64(await PgScalarAsync(sql, parameters), System.Globalization.CultureInfo.InvariantCulture);

    public async Task<object?> PgScalarAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (object parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return await command.ExecuteScalarAsync();
    }

    public async Task<List<string>> PgRowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    /// <summary>Every mirror row, ordered, without synced_at (so two databases can be compared).</summary>
    public async Task<List<string>> MirrorSnapshotAsync()
    {
        var all = new List<string>();
        foreach (string table in new[] { "sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events" })
        {
            all.AddRange((await PgRowsAsync($"SELECT id, version, hlc, origin, document::text FROM {table} ORDER BY id")).Select(r => $"{table}:{r}"));
        }

        return all;
    }

    public void Dispose()
    {
        Sync.Dispose();
        Database.Dispose();
        _workspace.Dispose();
    }
}

using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Commands;

public sealed class DbCommandsTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("AC", "AC-014")]
    public async Task Schema_version_prints_current_and_latest_without_migrating()
    {
        // Read-only: where no workspace exists it creates nothing and says so (issue 11).
        AcodeResult fresh = await _workspace.RunAsync("db", "schema", "version");
        Assert.Equal(1, fresh.ExitCode);
        Assert.Contains("No acode workspace at", fresh.Stderr);
        Assert.False(File.Exists(_workspace.DatabasePath));

        await _workspace.RunOkAsync("db", "migrate");
        JsonElement json = await _workspace.JsonAsync("db", "schema", "version");

        Assert.Equal(ShippedSchema.Latest, json.GetProperty("sqlite").GetProperty("current").GetString());
        Assert.Equal(ShippedSchema.Latest, json.GetProperty("sqlite").GetProperty("latest").GetString());
        Assert.Equal(0, json.GetProperty("sqlite").GetProperty("pending").GetArrayLength());
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public async Task Migrate_dry_run_lists_and_changes_nothing_then_migrate_applies_once()
    {
        AcodeResult nowhere = await _workspace.RunAsync("db", "migrate", "--dry-run");
        Assert.True(nowhere.ExitCode == 1, nowhere.ToString()); // a dry run creates no workspace
        Assert.False(Directory.Exists(Path.GetDirectoryName(_workspace.DatabasePath)));
        // A workspace whose database was never migrated: an empty SQLite file.
        Directory.CreateDirectory(Path.GetDirectoryName(_workspace.DatabasePath)!);
        File.WriteAllBytes(_workspace.DatabasePath, []);

        AcodeResult dryRun = await _workspace.RunOkAsync("db", "migrate", "--dry-run");
        Assert.All(ShippedSchema.Sqlite, m => Assert.Contains($"SQLite: would apply {m.Id}", dryRun.Stdout));
        Assert.Contains("SQLite: would apply V1_0_0_InitialSchema", dryRun.Stdout);
        Assert.Contains("SQLite: would apply V1_1_0_RowCounts", dryRun.Stdout);
        Assert.Contains("SQLite: dry run: nothing was changed; the database has no acode schema yet.", dryRun.Stdout);
        Assert.Equal(0, new FileInfo(_workspace.DatabasePath).Length); // not even opened: SQLite would write its header
        Assert.Equal([_workspace.DatabasePath], Directory.GetFiles(Path.GetDirectoryName(_workspace.DatabasePath)!));

        AcodeResult applied = await _workspace.RunOkAsync("db", "migrate");
        Assert.All(ShippedSchema.Sqlite, m => Assert.Contains($"SQLite: applied {m.Id}", applied.Stdout));

        AcodeResult again = await _workspace.RunOkAsync("db", "migrate");
        Assert.Contains($"SQLite: nothing to migrate: the database is at {ShippedSchema.Latest}, the latest version.", again.Stdout);
    }

    [Fact]
    public async Task Status_json_reports_paths_schema_rows_and_outbox_backlog()
    {
        await _workspace.RunOkAsync("demo");

        JsonElement status = await _workspace.JsonAsync("db", "status");

        Assert.Equal(_workspace.DatabasePath, status.GetProperty("sqlite").GetProperty("path").GetString());
        Assert.Equal(ShippedSchema.Latest, status.GetProperty("sqlite").GetProperty("schemaVersion").GetString());
        Assert.Equal("Full", status.GetProperty("sqlite").GetProperty("synchronous").GetString());
        Assert.Equal(1, status.GetProperty("rows").GetProperty("sessions").GetInt64());
        Assert.Equal(5, status.GetProperty("rows").GetProperty("tool_calls").GetInt64());
        long outbox = status.GetProperty("rows").GetProperty("outbox").GetInt64();
        Assert.Equal(outbox, status.GetProperty("outbox").GetProperty("pending").GetInt64());
        Assert.Equal(0, status.GetProperty("outbox").GetProperty("failed").GetInt64());
        Assert.NotNull(status.GetProperty("outbox").GetProperty("oldestPendingAt").GetString());
        Assert.StartsWith("ws_", status.GetProperty("workspaceId").GetString());
    }

    [Fact]
    public async Task Status_prints_a_human_table()
    {
        await _workspace.RunOkAsync("demo");

        AcodeResult status = await _workspace.RunOkAsync("db", "status");

        Assert.Contains("Schema", status.Stdout);
        Assert.Contains($"{ShippedSchema.Latest} (latest {ShippedSchema.Latest})", status.Stdout);
        Assert.Contains("Outbox pending", status.Stdout);
        Assert.Contains("Last successful sync", status.Stdout);
        Assert.Contains("not configured (set ACODE_POSTGRES_URL)", status.Stdout);
    }


    [Fact]
    public async Task Verbose_logs_the_database_it_opened_and_without_it_a_read_logs_nothing()
    {
        // The CLI builds its console logging only when something is logged (start-up, docs/performance.md part 5).
        await _workspace.RunOkAsync("demo");

        AcodeResult verbose = await _workspace.RunOkAsync("db", "status", "--verbose");
        AcodeResult quiet = await _workspace.RunOkAsync("db", "status");

        Assert.Contains($"Opened workspace database {_workspace.DatabasePath}", verbose.Stderr, StringComparison.Ordinal);
        Assert.Equal("", quiet.Stderr);
    }
    [Fact]
    public async Task Check_passes_on_a_healthy_database_and_fails_with_exit_1_on_a_foreign_key_violation()
    {
        await _workspace.RunOkAsync("demo");
        AcodeResult healthy = await _workspace.RunOkAsync("db", "check");
        Assert.Contains("ok   integrity", healthy.Stdout);
        Assert.Contains("ok   row counts", healthy.Stdout);

        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath}"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA foreign_keys = OFF; UPDATE tool_calls SET step_id = 'step_01JD3Z6Q6V2K8M4N5P7R9S1T3V' WHERE rowid = (SELECT min(rowid) FROM tool_calls);";
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        AcodeResult broken = await _workspace.RunAsync("db", "check");

        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("FAIL foreign keys", broken.Stdout);
        Assert.Contains("tool_calls row", broken.Stdout);
        Assert.Contains("Problems found", broken.Stdout);
    }

    [Fact]
    public async Task Check_finds_a_wrong_row_counter_and_recount_rebuilds_it()
    {
        await _workspace.RunOkAsync("demo");
        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "UPDATE row_counts SET row_count = 1000 WHERE name = 'tool_calls';";
            command.ExecuteNonQuery();
        }

        Assert.Equal(1000, (await _workspace.JsonAsync("db", "status")).GetProperty("rows").GetProperty("tool_calls").GetInt64());
        AcodeResult broken = await _workspace.RunAsync("db", "check");
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("FAIL row counts", broken.Stdout);
        Assert.Contains("tool_calls: counter says 1,000, the table holds 5; run 'acode db check --recount'", broken.Stdout);

        AcodeResult repaired = await _workspace.RunOkAsync("db", "check", "--recount");

        Assert.Contains("Rebuilt 1 row counter(s).", repaired.Stdout);
        Assert.Contains("ok   row counts", repaired.Stdout);
        Assert.Equal(5, (await _workspace.JsonAsync("db", "status")).GetProperty("rows").GetProperty("tool_calls").GetInt64());
    }

    [Fact]
    public async Task Status_marks_a_missing_or_negative_counter_as_no_count_and_check_names_both()
    {
        await _workspace.RunOkAsync("demo");
        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "DELETE FROM row_counts WHERE name = 'artifacts'; UPDATE row_counts SET row_count = -5 WHERE name = 'steps';";
            command.ExecuteNonQuery();
        }

        AcodeResult status = await _workspace.RunOkAsync("db", "status");
        JsonElement json = await _workspace.JsonAsync("db", "status");
        AcodeResult check = await _workspace.RunAsync("db", "check");

        Assert.Contains("(not a count: its counter is missing or negative; run 'acode db check --recount')", status.Stdout, StringComparison.Ordinal);
        Assert.Equal(["steps", "artifacts"], json.GetProperty("uncountedRows").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("steps: counter says -5, the table holds ", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("artifacts: no counter (the table holds ", check.Stdout, StringComparison.Ordinal);
        await _workspace.RunOkAsync("db", "check", "--recount");
        Assert.Equal(0, (await _workspace.JsonAsync("db", "status")).GetProperty("uncountedRows").GetArrayLength());
    }

    [Fact]
    public async Task Check_recount_json_reports_what_it_rebuilt()
    {
        await _workspace.RunOkAsync("demo");
        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "UPDATE row_counts SET row_count = 1000 WHERE name IN ('tool_calls', 'steps');";
            command.ExecuteNonQuery();
        }

        JsonElement repaired = await _workspace.JsonAsync("db", "check", "--recount");
        JsonElement again = await _workspace.JsonAsync("db", "check", "--recount");
        JsonElement plain = await _workspace.JsonAsync("db", "check");

        Assert.True(repaired.GetProperty("healthy").GetBoolean());
        Assert.Equal(2, repaired.GetProperty("recount").GetProperty("rowCounters").GetInt32());
        Assert.Equal(0, repaired.GetProperty("recount").GetProperty("blobsIndexed").GetInt32());
        Assert.Equal(0, again.GetProperty("recount").GetProperty("rowCounters").GetInt32());
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("recount").ValueKind);
    }

    public void Dispose() => _workspace.Dispose();
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;
using Acode.Infrastructure;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Microsoft.Data.Sqlite;
using static Acode.Testing.PostgresSql;
using Npgsql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Issue 10.7: a PostgreSQL that answers but refuses acode's role (a missing privilege, a read-only server, a table
/// dropped by hand) is ACODE-DB-006 (also while migrating) naming what is missing and the GRANT that fixes it,
/// from every command, never "This is a bug", never a stack trace, never the password, and never a burnt attempt.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed partial class DbPostgresRefusalTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();
    private readonly List<AcodeResult> _everything = [];
    private readonly string _role = $"acode_role_{Guid.NewGuid():N}"[..24];
    private readonly string _password = $"Pw-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_role_without_privileges_on_acodes_tables_gets_ACODE_DB_006_naming_them_and_the_GRANT_from_every_command()
    {
        string admin = await fixture.CreateDatabaseAsync();
        UseUrl(admin);
        await RunOkAsync("db", "migrate"); // the owner creates the schema
        await ExecuteAsync(admin, $"CREATE ROLE \"{_role}\" LOGIN PASSWORD '{_password}';");
        UseRole(admin);
        await RunOkAsync("demo");

        AcodeResult status = await RunAsync("db", "status");
        JsonElement statusJson = await JsonAsync("db", "status");
        AcodeResult check = await RunAsync("db", "check");
        JsonElement checkJson = JsonDocument.Parse((await RunAsync("db", "check", "--json")).Stdout).RootElement;
        AcodeResult sync = await RunAsync("db", "sync");
        JsonElement syncStatus = await JsonAsync("db", "sync", "status");
        AcodeResult syncStatusText = await RunAsync("db", "sync", "status");
        AcodeResult migrate = await RunAsync("db", "migrate");
        AcodeResult version = await RunAsync("db", "schema", "version");

        string grant = $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"public\" TO \"{_role}\"; GRANT USAGE ON ALL SEQUENCES IN SCHEMA \"public\" TO \"{_role}\";";
        string lacks = $"role \"{_role}\" lacks SELECT, INSERT, UPDATE, DELETE on artifacts, blobs, schema_version, session_events, session_tasks, sessions, steps, sync_applied, sync_conflicts, sync_maintenance, tool_calls, workspaces; USAGE on sync_conflicts_id_seq";
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("ACODE-DB-006", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("Rows: sessions", status.Stdout, StringComparison.Ordinal); // the local report is still there
        string problem = statusJson.GetProperty("sync").GetProperty("problem").GetString()!;
        Assert.False(statusJson.GetProperty("sync").GetProperty("reachable").GetBoolean());
        Assert.True(problem.Contains(lacks, StringComparison.Ordinal), problem);
        Assert.Contains(grant, problem, StringComparison.Ordinal);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("FAIL postgres", check.Stdout, StringComparison.Ordinal);
        Assert.Contains(checkJson.GetProperty("checks").EnumerateArray(), c => c.GetProperty("check").GetString() == "postgres" && c.GetProperty("detail").GetString()!.Contains(grant, StringComparison.Ordinal));
        Assert.Equal(16, sync.ExitCode);
        Assert.Contains($"Error: ACODE-DB-006: ", sync.Stderr, StringComparison.Ordinal);
        Assert.Contains(lacks, sync.Stderr, StringComparison.Ordinal);
        Assert.Contains(grant, sync.Stderr, StringComparison.Ordinal);
        Assert.Contains(grant, syncStatus.GetProperty("problem").GetString()!, StringComparison.Ordinal);
        Assert.Equal(0, syncStatus.GetProperty("deadLetters").GetInt64());
        Assert.Equal(0, syncStatusText.ExitCode);
        Assert.Equal(16, migrate.ExitCode);
        Assert.Contains(grant, migrate.Stderr, StringComparison.Ordinal);
        Assert.Equal(16, version.ExitCode);
        AssertNoBugNoStackNoSecret();

        // The GRANT the message names is the one that fixes it.
        await ExecuteAsync(admin, grant);
        await RunOkAsync("db", "sync");
        await RunOkAsync("db", "check");
        Assert.Equal(1, await CountAsync(admin, "SELECT count(*) FROM sessions"));
    }

    [Fact]
    public async Task A_role_that_may_only_read_pauses_the_sync_without_counting_an_attempt()
    {
        string admin = await fixture.CreateDatabaseAsync();
        UseUrl(admin);
        await RunOkAsync("db", "migrate");
        await ExecuteAsync(admin, $"CREATE ROLE \"{_role}\" LOGIN PASSWORD '{_password}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{_role}\";");
        UseRole(admin);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__MAXATTEMPTS"] = "1";
        await RunOkAsync("demo");

        AcodeResult sync = await RunAsync("db", "sync");

        Assert.Equal(16, sync.ExitCode);
        Assert.Contains($"role \"{_role}\" lacks INSERT, UPDATE, DELETE on artifacts,", sync.Stderr, StringComparison.Ordinal);
        JsonElement status = await JsonAsync("db", "sync", "status");
        Assert.Equal(0, status.GetProperty("deadLetters").GetInt64());
        Assert.True(status.GetProperty("pending").GetInt64() > 0);
        AssertNoBugNoStackNoSecret();
    }

    [Fact]
    [Trait("Issue", "msgfix13.1")]
    public async Task A_role_without_CREATE_on_schema_public_gets_ACODE_DB_006_naming_the_GRANT_from_sync_migrate_and_the_dry_run()
    {
        // PostgreSQL 15's default for a role that does not own the database: no CREATE on schema public.
        string admin = await fixture.CreateDatabaseAsync();
        await ExecuteAsync(admin, $"REVOKE CREATE ON SCHEMA public FROM PUBLIC; CREATE ROLE \"{_role}\" LOGIN PASSWORD '{_password}';");
        UseRole(admin);
        await RunOkAsync("demo");

        AcodeResult sync = await RunAsync("db", "sync");
        AcodeResult syncJson = await RunAsync("db", "sync", "--json");
        AcodeResult migrate = await RunAsync("db", "migrate");
        AcodeResult dryRun = await RunAsync("db", "migrate", "--dry-run");
        AcodeResult dryRunJson = await RunAsync("db", "migrate", "--dry-run", "--json");
        JsonElement status = await JsonAsync("db", "status");
        AcodeResult statusText = await RunAsync("db", "status");
        AcodeResult check = await RunAsync("db", "check");

        string grant = $"GRANT USAGE, CREATE ON SCHEMA \"public\" TO \"{_role}\";";
        string lacks = $"role \"{_role}\" lacks CREATE on schema public";
        foreach (AcodeResult failed in new[] { sync, migrate, dryRun })
        {
            Assert.True(failed.ExitCode == 16, failed.ToString());
            Assert.Contains("Error: ACODE-DB-006: ", failed.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("ACODE-DB-003", failed.Stdout + failed.Stderr, StringComparison.Ordinal);
            Assert.Contains(lacks, failed.Stderr, StringComparison.Ordinal);
            Assert.Contains(grant, failed.Stderr, StringComparison.Ordinal);
        }

        Assert.Contains("would apply V1_0_0_InitialSchema", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("the role lacks the privilege to apply them", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Equal(16, dryRunJson.ExitCode);
        JsonElement postgres = JsonDocument.Parse(dryRunJson.Stdout).RootElement.GetProperty("postgres");
        Assert.NotEmpty(postgres.GetProperty("pending").EnumerateArray());
        Assert.Contains(grant, postgres.GetProperty("refused").GetString()!, StringComparison.Ordinal);
        Assert.Contains(lacks, status.GetProperty("sync").GetProperty("problem").GetString()!, StringComparison.Ordinal);
        Assert.Equal(1, check.ExitCode);
        foreach (AcodeResult shown in new[] { statusText, check })
        {
            string flowing = TableText.Flowing(shown.Stdout);
            Assert.True(flowing.Contains(grant, StringComparison.Ordinal), flowing);
            Assert.DoesNotContain(";;", flowing, StringComparison.Ordinal); // the GRANT's own ';' is not doubled
        }

        Assert.Contains($"{grant} then run 'acode db check' again", TableText.Flowing(check.Stdout), StringComparison.Ordinal);
        foreach (string shown in new[] { sync.Stdout + sync.Stderr, syncJson.Stdout + syncJson.Stderr })
        {
            Assert.True(!TableText.Flowing(shown).Contains(";.", StringComparison.Ordinal), shown); // the GRANT's ';' ends no sentence with ';.'
        }

        foreach (AcodeResult migration in new[] { migrate, dryRun })
        {
            string tryLine = migration.Stderr.Split('\n').Single(l => l.StartsWith("Try:", StringComparison.Ordinal));
            Assert.Contains("run 'acode db migrate' again", tryLine, StringComparison.Ordinal);
            Assert.DoesNotContain("outbox", tryLine, StringComparison.Ordinal);
        }

        AssertNoBugNoStackNoSecret();

        await ExecuteAsync(admin, grant);
        await RunOkAsync("db", "migrate", "--dry-run");
        await RunOkAsync("db", "sync");
        await RunOkAsync("db", "check");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    [Trait("Issue", "upgrade.D1")]
    public async Task Db_migrate_whose_role_lacks_CREATE_reports_the_workspace_migration_it_did_and_says_PostgreSQL_was_not_changed(bool asJson)
    {
        string admin = await fixture.CreateDatabaseAsync();
        await ExecuteAsync(admin, $"REVOKE CREATE ON SCHEMA public FROM PUBLIC; CREATE ROLE \"{_role}\" LOGIN PASSWORD '{_password}';");
        UseRole(admin);
        Migration last = ShippedSchema.Sqlite[^1];
        string older = ShippedSchema.Sqlite[^2].VersionText;
        using (SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root), migrations: [.. ShippedSchema.Sqlite.SkipLast(1)]))
        {
        }

        SqliteConnection.ClearAllPools();
        string[] format = asJson ? ["--json"] : [];

        AcodeResult dryRun = await RunAsync(["db", "migrate", "--dry-run", .. format]);
        string afterDryRun = WorkspaceSchemaVersion();
        AcodeResult migrate = await RunAsync(["db", "migrate", .. format]);

        string grant = $"GRANT USAGE, CREATE ON SCHEMA \"public\" TO \"{_role}\";";
        foreach (AcodeResult failed in new[] { dryRun, migrate })
        {
            Assert.True(failed.ExitCode == 16, failed.ToString());
            Assert.Contains("Error: ACODE-DB-006: ", failed.Stderr, StringComparison.Ordinal);
            Assert.Contains(grant, failed.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Nothing was changed meanwhile", failed.Stderr, StringComparison.Ordinal);
        }

        Assert.Equal(older, afterDryRun); // the dry run changed nothing
        Assert.Equal(ShippedSchema.Latest, WorkspaceSchemaVersion()); // the real run migrated the workspace before PostgreSQL refused
        string dryRunTry = dryRun.Stderr.Split('\n').Single(l => l.StartsWith("Try:", StringComparison.Ordinal));
        string migrateTry = migrate.Stderr.Split('\n').Single(l => l.StartsWith("Try:", StringComparison.Ordinal));
        Assert.Contains($"'acode db migrate' would migrate the workspace database from {older} to {ShippedSchema.Latest} and then stop at PostgreSQL", dryRunTry, StringComparison.Ordinal);
        Assert.Contains($"This run migrated the workspace database from {older} to {ShippedSchema.Latest} (acode versions that know only {older} can no longer open it); PostgreSQL was not changed", migrateTry, StringComparison.Ordinal);
        if (asJson)
        {
            JsonElement plan = JsonDocument.Parse(dryRun.Stdout).RootElement;
            Assert.Equal(last.Id, Assert.Single(plan.GetProperty("sqlite").GetProperty("pending").EnumerateArray()).GetProperty("id").GetString());
            Assert.Contains(grant, plan.GetProperty("postgres").GetProperty("refused").GetString()!, StringComparison.Ordinal);
            JsonElement applied = JsonDocument.Parse(migrate.Stdout).RootElement;
            Assert.Equal(last.Id, Assert.Single(applied.GetProperty("sqlite").GetProperty("applied").EnumerateArray()).GetProperty("id").GetString());
            Assert.Equal(ShippedSchema.Latest, applied.GetProperty("sqlite").GetProperty("current").GetString());
            Assert.Contains(grant, applied.GetProperty("postgres").GetProperty("error").GetString()!, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"SQLite: would apply {last.Id}", dryRun.Stdout, StringComparison.Ordinal);
            string flowing = TableText.Flowing(dryRun.Stdout);
            Assert.Contains("the role lacks the privilege to apply them", flowing, StringComparison.Ordinal);
            Assert.Contains("until it is granted, 'acode db migrate' would apply the SQLite migrations above and then fail here", flowing, StringComparison.Ordinal);
            Assert.DoesNotContain("'acode db migrate' would fail until it is granted", flowing, StringComparison.Ordinal);
            Assert.Contains($"SQLite: applied {last.Id}", migrate.Stdout, StringComparison.Ordinal);
            Assert.Contains($"SQLite: the database is now at {ShippedSchema.Latest}.", migrate.Stdout, StringComparison.Ordinal);
        }

        AssertNoBugNoStackNoSecret();
        await ExecuteAsync(admin, grant);
        await RunOkAsync("db", "migrate");
    }

    /// <summary>The newest version in the workspace database's journal, read without acode.</summary>
    private string WorkspaceSchemaVersion()
    {
        var versions = new List<Version>();
        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Mode=ReadOnly"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT version FROM schema_version;";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                versions.Add(Version.Parse(reader.GetString(0)));
            }
        }

        SqliteConnection.ClearAllPools();
        return versions.Max()!.ToString(3);
    }

    [Fact]
    [Trait("Issue", "msgfix13.1")]
    public async Task A_watching_sync_whose_role_lacks_CREATE_pauses_with_ACODE_DB_006_and_syncs_once_the_GRANT_is_run()
    {
        string admin = await fixture.CreateDatabaseAsync();
        await ExecuteAsync(admin, $"REVOKE CREATE ON SCHEMA public FROM PUBLIC; CREATE ROLE \"{_role}\" LOGIN PASSWORD '{_password}';");
        UseRole(admin);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__POLLINTERVALSECONDS"] = "1";
        await RunOkAsync("demo");
        string grant = $"GRANT USAGE, CREATE ON SCHEMA \"public\" TO \"{_role}\";";

        using System.Diagnostics.Process watcher = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "db", "sync", "--watch");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        watcher.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        watcher.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        watcher.BeginOutputReadLine();
        watcher.BeginErrorReadLine();
        try
        {
            // The console wraps long lines: read the output as one text.
            await WaitForAsync(() => Task.FromResult(TableText.Flowing(string.Join('\n', output)).Contains($"paused: ACODE-DB-006: PostgreSQL at postgresql://{_role}@", StringComparison.Ordinal)
                && TableText.Flowing(string.Join('\n', output)).Contains(grant, StringComparison.Ordinal)), () => string.Join('\n', output));
            await ExecuteAsync(admin, grant);
            await WaitForAsync(async () => await CountAsync(admin, "SELECT count(*) FROM pg_tables WHERE tablename = 'sessions'") == 1
                && await CountAsync(admin, "SELECT count(*) FROM sessions") == 1, () => string.Join('\n', output));
        }
        finally
        {
            watcher.Kill();
            await watcher.WaitForExitAsync();
        }

        Assert.DoesNotContain(output, l => l.Contains("ACODE-DB-003", StringComparison.Ordinal));
        Assert.DoesNotContain(output, l => l.Contains(_password, StringComparison.Ordinal));
        Assert.DoesNotContain(";;", TableText.Flowing(string.Join('\n', output)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_without_TEMPORARY_on_the_database_pauses_the_sync_naming_the_GRANT_that_fixes_it()
    {
        // The sync stages each batch in a temporary table; PostgreSQL grants TEMPORARY to PUBLIC unless an owner revoked it.
        string admin = await fixture.CreateDatabaseAsync();
        string database = new NpgsqlConnectionStringBuilder(admin).Database!;
        UseUrl(admin);
        await RunOkAsync("db", "migrate");
        await ExecuteAsync(admin, $"""
            CREATE ROLE "{_role}" LOGIN PASSWORD '{_password}';
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{_role}";
            GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{_role}";
            REVOKE TEMPORARY ON DATABASE "{database}" FROM PUBLIC;
            """);
        UseRole(admin);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__MAXATTEMPTS"] = "1";
        await RunOkAsync("demo");

        AcodeResult sync = await RunAsync("db", "sync");

        string grant = $"GRANT TEMPORARY ON DATABASE \"{database}\" TO \"{_role}\";";
        Assert.Equal(16, sync.ExitCode);
        Assert.Contains("Error: ACODE-DB-006: ", sync.Stderr, StringComparison.Ordinal);
        Assert.Contains($"role \"{_role}\" lacks TEMPORARY on database {database}", sync.Stderr, StringComparison.Ordinal);
        Assert.Contains(grant, sync.Stderr, StringComparison.Ordinal);
        JsonElement status = await JsonAsync("db", "sync", "status");
        Assert.Equal(0, status.GetProperty("deadLetters").GetInt64());
        AssertNoBugNoStackNoSecret();

        await ExecuteAsync(admin, grant);
        await RunOkAsync("db", "sync");
        Assert.Equal(1, await CountAsync(admin, "SELECT count(*) FROM sessions"));
    }

    [Fact]
    public async Task A_server_that_accepts_only_reads_pauses_the_sync_without_counting_an_attempt()
    {
        string admin = await fixture.CreateDatabaseAsync();
        UseUrl(admin);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__MAXATTEMPTS"] = "1";
        await RunOkAsync("db", "migrate");
        string database = new NpgsqlConnectionStringBuilder(admin).Database!;
        await ExecuteAsync(admin, $"ALTER DATABASE \"{database}\" SET default_transaction_read_only = on;");
        await RunOkAsync("demo");

        AcodeResult sync = await RunAsync("db", "sync");

        Assert.Equal(16, sync.ExitCode);
        Assert.Contains("the server accepts only reads (SQLSTATE 25006", sync.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await JsonAsync("db", "sync", "status")).GetProperty("deadLetters").GetInt64());

        // Trial 15.4: db check fails on what the sync is refused for, and says what fixes it.
        AcodeResult check = await RunAsync("db", "check");
        Assert.True(check.ExitCode == 1, check.ToString());
        string flowing = TableText.Flowing(check.Stdout);
        Assert.Contains("FAIL postgres", flowing, StringComparison.Ordinal);
        Assert.Contains("ACODE-DB-006", flowing, StringComparison.Ordinal);
        Assert.Contains("the server accepts only reads (default_transaction_read_only is on", flowing, StringComparison.Ordinal);
        Assert.Contains("default_transaction_read_only = off", flowing, StringComparison.Ordinal);
        Assert.DoesNotContain("The database is healthy", flowing, StringComparison.Ordinal);
        AssertNoBugNoStackNoSecret();
    }

    [Fact]
    public async Task A_server_that_accepts_only_reads_is_no_error_when_there_is_nothing_to_deliver()
    {
        string admin = await fixture.CreateDatabaseAsync();
        UseUrl(admin);
        await RunOkAsync("demo");
        await RunOkAsync("db", "sync");
        string database = new NpgsqlConnectionStringBuilder(admin).Database!;
        await ExecuteAsync(admin, $"ALTER DATABASE \"{database}\" SET default_transaction_read_only = on;");

        AcodeResult sync = await RunAsync("db", "sync");
        JsonElement syncJson = await JsonAsync("db", "sync");

        Assert.True(sync.ExitCode == 0, sync.ToString());
        Assert.DoesNotContain("ACODE-DB-006", sync.Stderr, StringComparison.Ordinal);
        Assert.False(syncJson.GetProperty("paused").GetBoolean());
        Assert.Equal(0, syncJson.GetProperty("pending").GetInt64());

        // Something to deliver: then the read-only server pauses the sync (exit 16), as before.
        await RunOkAsync("demo");
        AcodeResult pending = await RunAsync("db", "sync");
        Assert.Equal(16, pending.ExitCode);
        Assert.Contains("the server accepts only reads (SQLSTATE 25006", pending.Stderr, StringComparison.Ordinal);
        AssertNoBugNoStackNoSecret();
    }

    [Fact]
    public async Task A_table_dropped_by_hand_pauses_the_sync_and_is_reported_not_a_bug()
    {
        string admin = await fixture.CreateDatabaseAsync();
        UseUrl(admin);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__MAXATTEMPTS"] = "1";
        await RunOkAsync("db", "migrate");
        await ExecuteAsync(admin, "DROP TABLE session_events CASCADE;");
        await RunOkAsync("demo");

        AcodeResult sync = await RunAsync("db", "sync");

        Assert.Equal(16, sync.ExitCode);
        Assert.Contains("a table or column of acode's schema is missing (SQLSTATE 42P01", sync.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await JsonAsync("db", "sync", "status")).GetProperty("deadLetters").GetInt64());

        // Trial 15.4: db check fails on it, naming the table, and says what fixes it; so does a column dropped by hand.
        AcodeResult check = await RunAsync("db", "check");
        Assert.True(check.ExitCode == 1, check.ToString());
        string flowing = TableText.Flowing(check.Stdout);
        Assert.Contains("FAIL postgres", flowing, StringComparison.Ordinal);
        Assert.Contains($"a table or column of acode's schema {ShippedSchema.Latest} is missing (table session_events", flowing, StringComparison.Ordinal);
        Assert.Contains("'acode db sync retry --processed'", flowing, StringComparison.Ordinal);
        JsonElement statusJson = await JsonAsync("db", "status");
        Assert.Contains("table session_events", statusJson.GetProperty("sync").GetProperty("problem").GetString()!, StringComparison.Ordinal);

        await ExecuteAsync(admin, "ALTER TABLE blobs DROP COLUMN search_lossy;");
        AcodeResult column = await RunAsync("db", "check");
        Assert.Equal(1, column.ExitCode);
        Assert.Contains("column blobs.search_lossy", TableText.Flowing(column.Stdout), StringComparison.Ordinal);
        AssertNoBugNoStackNoSecret();
    }

    [Fact]
    [Trait("Issue", "trial15.4")]
    public async Task Db_check_passes_on_a_complete_writable_schema_at_every_step()
    {
        string admin = await fixture.CreateDatabaseAsync();
        UseUrl(admin);
        await RunOkAsync("demo");
        await RunOkAsync("db", "check"); // no schema yet: nothing is missing
        await RunOkAsync("db", "sync");
        AcodeResult check = await RunOkAsync("db", "check");
        Assert.Contains($"answers, schema {ShippedSchema.Latest}", TableText.Flowing(check.Stdout), StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private void UseUrl(string connectionString) => _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);

    private void UseRole(string adminConnectionString) => UseUrl(As(adminConnectionString, _role, _password));

    private void AssertNoBugNoStackNoSecret()
    {
        foreach (AcodeResult result in _everything)
        {
            string all = result.Stdout + result.Stderr;
            Assert.DoesNotContain("This is a bug", all, StringComparison.Ordinal);
            Assert.DoesNotMatch(StackFrame(), all);
            Assert.DoesNotContain(_password, all, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.Server.Password, all, StringComparison.Ordinal);
        }
    }

    private async Task<AcodeResult> RunAsync(params string[] args)
    {
        AcodeResult result = await _workspace.RunAsync(args);
        _everything.Add(result);
        return result;
    }

    private async Task<AcodeResult> RunOkAsync(params string[] args)
    {
        AcodeResult result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"acode {string.Join(' ', args)} failed:\n{result}");
        return result;
    }

    private async Task<JsonElement> JsonAsync(params string[] args)
    {
        AcodeResult result = await RunOkAsync([.. args, "--json"]);
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.Clone();
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails after a minute (a hang, not a speed limit).</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, Func<string> shown)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"The condition did not become true within 60 s. Output:\n{shown()}");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"^\s+at \S+\(|Exception \(0x", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}

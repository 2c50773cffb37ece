using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Infrastructure.Migrations;
using Acode.Testing;
using Npgsql;
using static Acode.Testing.PostgresSql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A PostgreSQL that answers with a schema newer than this acode (ACODE-DB-004) is not an outage: <c>db check</c> fails
/// its postgres line with the upgrade advice every command gives, never "start the server / correct the URL", and
/// <c>db sync status</c> says it is reachable and names the schema's version. An empty PostgreSQL's dry run says it has
/// no acode schema yet.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class DbCheckNewerPostgresSchemaTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    [Trait("Issue", "msgfix13b.1")]
    public async Task A_newer_PostgreSQL_schema_is_reachable_and_the_next_step_is_to_upgrade_acode()
    {
        string url = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = url;
        await _workspace.RunOkAsync("demo");
        await _workspace.RunOkAsync("db", "sync");
        await ExecuteAsync(url, "INSERT INTO schema_version (version, name, checksum, applied_at) VALUES ('9.0.0', 'Future', 'x', now());");

        AcodeResult check = await _workspace.RunAsync("db", "check");
        JsonElement checkJson = JsonDocument.Parse((await _workspace.RunAsync("db", "check", "--json")).Stdout).RootElement;
        AcodeResult status = await _workspace.RunAsync("db", "sync", "status");
        JsonElement statusJson = await _workspace.JsonAsync("db", "sync", "status");

        Assert.True(check.ExitCode == 1, check.ToString());
        string flowing = TableText.Flowing(check.Stdout);
        Assert.Contains("FAIL postgres", flowing, StringComparison.Ordinal);
        Assert.Contains("ACODE-DB-004: The PostgreSQL database schema is at version 9.0.0", flowing, StringComparison.Ordinal);
        Assert.Contains("Upgrade acode to a version that knows this schema", flowing, StringComparison.Ordinal);
        Assert.DoesNotContain("start the server", flowing, StringComparison.Ordinal);
        Assert.DoesNotContain("once PostgreSQL answers", flowing, StringComparison.Ordinal);
        JsonElement postgres = checkJson.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "postgres");
        Assert.False(postgres.GetProperty("ok").GetBoolean());
        Assert.Contains("Upgrade acode", postgres.GetProperty("detail").GetString()!, StringComparison.Ordinal);

        Assert.True(status.ExitCode == 0, status.ToString());
        string table = TableText.Flowing(status.Stdout);
        Assert.Contains("Reachable yes", table, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL schema 9.0.0", table, StringComparison.Ordinal);
        Assert.Contains("newer than this program knows", table, StringComparison.Ordinal);
        Assert.Contains("Upgrade acode", table, StringComparison.Ordinal);
        Assert.DoesNotContain("PostgreSQL schema unknown", table, StringComparison.Ordinal);
        Assert.True(statusJson.GetProperty("reachable").GetBoolean());
        Assert.Equal("9.0.0", statusJson.GetProperty("postgresSchemaVersion").GetString());
        Assert.StartsWith("ACODE-DB-004: ", statusJson.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "upgrade.D2")]
    public async Task An_older_PostgreSQL_schema_shows_its_pending_migrations_and_db_check_warns_that_it_is_behind()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using (NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString))
        {
            await new PostgresMigrator([.. ShippedSchema.Postgres.SkipLast(1)]).MigrateAsync(dataSource);
        }

        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _workspace.RunOkAsync("demo");
        string older = ShippedSchema.Postgres[^2].VersionText;
        string behind = $"PostgreSQL schema {older} (latest {ShippedSchema.Latest}, 1 pending: run 'acode db migrate')";

        AcodeResult status = await _workspace.RunOkAsync("db", "status");
        AcodeResult syncStatus = await _workspace.RunOkAsync("db", "sync", "status");
        JsonElement statusJson = await _workspace.JsonAsync("db", "status");
        JsonElement syncStatusJson = await _workspace.JsonAsync("db", "sync", "status");
        AcodeResult check = await _workspace.RunAsync("db", "check");
        JsonElement checkJson = await _workspace.JsonAsync("db", "check");

        Assert.Contains(behind, TableText.Flowing(status.Stdout), StringComparison.Ordinal);
        Assert.Contains(behind, TableText.Flowing(syncStatus.Stdout), StringComparison.Ordinal);
        foreach (JsonElement sync in new[] { statusJson.GetProperty("sync"), syncStatusJson })
        {
            Assert.Equal(older, sync.GetProperty("postgresSchemaVersion").GetString());
            Assert.Equal(ShippedSchema.Latest, sync.GetProperty("postgresLatestSchemaVersion").GetString());
            Assert.Equal(ShippedSchema.Postgres[^1].Id, Assert.Single(sync.GetProperty("postgresPendingMigrations").EnumerateArray()).GetString());
            Assert.Null(sync.GetProperty("problem").GetString());
        }

        // Behind is a warning, as an oversized WAL is: the data is sound and the next 'db migrate' or 'db sync' migrates it.
        Assert.True(check.ExitCode == 0, check.ToString());
        string flowing = TableText.Flowing(check.Stdout);
        Assert.Contains($"WARN postgres", flowing, StringComparison.Ordinal);
        Assert.Contains($"answers, schema {older}, behind this acode's {ShippedSchema.Latest} (1 pending)", flowing, StringComparison.Ordinal);
        Assert.Contains("run 'acode db migrate'", flowing, StringComparison.Ordinal);
        Assert.Contains("The database is healthy, with a warning (see above).", flowing, StringComparison.Ordinal);
        JsonElement postgres = checkJson.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "postgres");
        Assert.True(postgres.GetProperty("ok").GetBoolean());
        Assert.True(postgres.GetProperty("warning").GetBoolean());
        Assert.True(checkJson.GetProperty("healthy").GetBoolean());
        Assert.True(checkJson.GetProperty("warnings").GetInt32() >= 1);

        AcodeResult migrate = await _workspace.RunOkAsync("db", "migrate");
        string migrating = Assert.Single(migrate.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("PostgreSQL (postgresql://", migrating, StringComparison.Ordinal);
        Assert.EndsWith($"): migrating from {older} to {ShippedSchema.Latest} (1 migration: {ShippedSchema.Postgres[^1].Id})…", migrating, StringComparison.Ordinal);
        AcodeResult current = await _workspace.RunOkAsync("db", "check");
        JsonElement currentJson = await _workspace.JsonAsync("db", "sync", "status");
        Assert.Contains($"ok postgres", TableText.Flowing(current.Stdout), StringComparison.Ordinal);
        Assert.Contains($"answers, schema {ShippedSchema.Latest}", TableText.Flowing(current.Stdout), StringComparison.Ordinal);
        Assert.DoesNotContain("pending: run", TableText.Flowing((await _workspace.RunOkAsync("db", "sync", "status")).Stdout), StringComparison.Ordinal);
        Assert.Equal(0, currentJson.GetProperty("postgresPendingMigrations").GetArrayLength());
    }

    [Fact]
    [Trait("Issue", "msgfix13b.2b")]
    public async Task A_dry_run_on_an_empty_PostgreSQL_says_it_has_no_acode_schema_yet()
    {
        string url = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = url;
        await _workspace.RunOkAsync("demo");

        AcodeResult dryRun = await _workspace.RunOkAsync("db", "migrate", "--dry-run");

        Assert.Contains("dry run: nothing was changed; the database has no acode schema yet.", dryRun.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("at none", dryRun.Stdout, StringComparison.Ordinal);
    }
}

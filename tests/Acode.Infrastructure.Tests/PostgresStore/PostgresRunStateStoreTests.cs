using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Tests.Support;
using Acode.Infrastructure.Tests.Sync;
using Acode.Testing;
using Acode.Testing.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>What only the PostgreSQL store does: meet synced writes in the same rows, report outages, serve as a host's only store.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresRunStateStoreTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Rows_carry_the_store_origin_exact_hlc_and_a_sync_applied_key_per_version()
    {
        string connectionString = await MigratedDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresRunStateStore(dataSource, "pg_test");

        Session session = await store.CreateSessionAsync("direct");
        session.Rename("renamed");
        await store.SaveAsync(session);

        await using NpgsqlCommand row = dataSource.CreateCommand("SELECT origin, hlc, version FROM sessions WHERE id = $1;");
        row.Parameters.AddWithValue(session.Id.Value);
        await using (NpgsqlDataReader reader = await row.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(("pg_test", session.UpdatedAt.UtcTicks, 2L), (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        await using NpgsqlCommand keys = dataSource.CreateCommand("SELECT count(*) FROM sync_applied WHERE origin = 'pg_test' AND entity_id = $1;");
        keys.Parameters.AddWithValue(session.Id.Value);
        Assert.Equal(2L, await keys.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_workspace_change_based_on_a_version_the_direct_store_replaced_is_a_recorded_conflict()
    {
        using SyncHarness workspace = await SyncHarness.CreateAsync(fixture);
        Session local = await workspace.Store.CreateSessionAsync("shared");
        await workspace.Sync.SyncAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(workspace.ConnectionString);
        var direct = new PostgresRunStateStore(dataSource, "pg_server", workspace.Clock);

        Session onServer = (await direct.GetSessionAsync(local.Id))!;
        onServer.Rename("changed on the server");
        await direct.SaveAsync(onServer);
        local.Rename("changed in the workspace meanwhile");
        await workspace.Store.SaveAsync(local);
        await workspace.Sync.SyncAsync();

        Assert.Equal(1L, await workspace.PgCountAsync("SELECT count(*) FROM sync_conflicts WHERE entity_id = $1 AND existing_origin = 'pg_server'", local.Id.Value));
    }

    [Fact]
    public async Task A_workspace_change_based_on_the_version_the_direct_store_wrote_applies_without_a_conflict_once_held()
    {
        using SyncHarness workspace = await SyncHarness.CreateAsync(fixture);
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(workspace.ConnectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);
        var direct = new PostgresRunStateStore(dataSource, "pg_server");
        Session onServer = await direct.CreateSessionAsync("made on the server");

        var pull = new RemoteSessionPull(direct, workspace.Store, workspace.Database.WorkspaceId!);
        ImportResult first = (await pull.PullAsync(onServer.Id))!;
        ImportResult second = (await pull.PullAsync(onServer.Id))!;
        Assert.Equal((2, 0), (first.Inserted, second.Inserted + second.Updated));
        Session local = (await workspace.Store.GetSessionAsync(onServer.Id))!;
        local.Rename("continued in the workspace");
        await workspace.Store.SaveAsync(local);
        await workspace.Sync.SyncAsync();

        Assert.Equal(0L, await workspace.PgCountAsync("SELECT count(*) FROM sync_conflicts"));
        Assert.Equal(0L, await workspace.PgCountAsync("SELECT count(*) FROM sync_applied WHERE outcome <> 'Applied'"));
        Assert.Equal("continued in the workspace", (await direct.GetSessionAsync(onServer.Id))!.Title);
    }

    [Fact]
    public async Task A_save_that_fails_at_its_last_statement_leaves_nothing_of_it_and_goes_through_whole_once_the_fault_is_gone()
    {
        string connectionString = await MigratedDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresRunStateStore(dataSource, "pg_test");
        Session session = await store.CreateSessionAsync("interrupted");
        Step step = session.AddTask("t").AddStep("s");
        ToolCall call = step.AddToolCall("shell", """{"cmd":"ls"}""");
        call.Succeed("listing", TimeSpan.FromSeconds(1));
        session.AppendEvent("tool_call.completed", "{}");
        // The save's last statement (its idempotency keys) fails after the rows' upserts have run in the same round trip.
        await ExecuteAsync(dataSource, """
            CREATE FUNCTION refuse_tool_call_keys() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
            CREATE TRIGGER refuse_tool_call_keys BEFORE INSERT ON sync_applied FOR EACH ROW WHEN (NEW.entity_type = 'ToolCall') EXECUTE FUNCTION refuse_tool_call_keys();
            """);

        PostgresException fault = await Assert.ThrowsAsync<PostgresException>(() => store.SaveAsync(session));

        Assert.Contains("refused by the test", fault.MessageText, StringComparison.Ordinal);
        string counts = """
            SELECT (SELECT count(*) FROM session_tasks WHERE session_id = $1) || '/' || (SELECT count(*) FROM steps WHERE session_id = $1) || '/' ||
                   (SELECT count(*) FROM tool_calls WHERE session_id = $1) || '/' || (SELECT count(*) FROM session_events WHERE session_id = $1) || '/' ||
                   (SELECT count(*) FROM sync_applied WHERE origin = 'pg_test')
            """;
        Assert.Equal("0/0/0/1/2", await ScalarTextAsync(dataSource, counts, session.Id.Value));
        Assert.Equal(4, session.PendingChanges.Count);

        await ExecuteAsync(dataSource, "DROP TRIGGER refuse_tool_call_keys ON sync_applied;");
        await store.SaveAsync(session);

        Assert.Empty(session.PendingChanges);
        Assert.Equal("1/1/1/2/6", await ScalarTextAsync(dataSource, counts, session.Id.Value));
        Session stored = (await store.GetSessionAsync(session.Id))!;
        Assert.Equal(("listing", 1L), (stored.Tasks.Single().Steps.Single().ToolCalls.Single().Result, stored.Tasks.Single().Steps.Single().ToolCalls.Single().Version));
    }

    [Fact]
    public async Task An_unreachable_server_is_ACODE_DB_006_never_a_driver_exception()
    {
        var settings = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = 1, Username = "nobody", Database = "none", Timeout = 2 };
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(settings.ConnectionString);
        var store = new PostgresRunStateStore(dataSource, "pg_test");

        AcodeDbException save = await Assert.ThrowsAsync<AcodeDbException>(() => store.CreateSessionAsync("lost?"));
        AcodeDbException read = await Assert.ThrowsAsync<AcodeDbException>(() => store.GetSessionAsync(SessionId.New()));

        Assert.Equal(AcodeErrorCode.PostgresUnavailable, save.ErrorCode);
        Assert.Equal(AcodeErrorCode.PostgresUnavailable, read.ErrorCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a host's store: the migrator meets the outage first
    public async Task An_unreachable_server_says_the_save_was_not_saved_not_that_local_work_continues(bool withMigrator)
    {
        var settings = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = 1, Username = "nobody", Database = "none", Timeout = 2 };
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(settings.ConnectionString);
        var store = new PostgresRunStateStore(dataSource, "pg_test", migrator: withMigrator ? new PostgresMigrator() : null);

        AcodeDbException save = await Assert.ThrowsAsync<AcodeDbException>(() => store.CreateSessionAsync("lost?"));
        AcodeDbException read = await Assert.ThrowsAsync<AcodeDbException>(() => store.GetSessionAsync(SessionId.New()));

        Assert.Equal((AcodeErrorCode.PostgresUnavailable, AcodeErrorCode.PostgresUnavailable), (save.ErrorCode, read.ErrorCode));
        foreach (AcodeDbException error in new[] { save, read })
        {
            Assert.DoesNotContain("Local work continues", error.Hint, StringComparison.Ordinal);
            Assert.DoesNotContain("outbox", error.Message + " " + error.Hint.Replace("no outbox", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.DoesNotContain("sync resumes", error.Hint, StringComparison.Ordinal);
        }

        Assert.StartsWith("Nothing was saved: the PostgreSQL store (persistence:store:kind = Postgres) keeps no local copy and no outbox", save.Hint, StringComparison.Ordinal);
        Assert.Contains("Retry once PostgreSQL answers", save.Hint, StringComparison.Ordinal);
        Assert.StartsWith("Nothing was read or changed. Try again once PostgreSQL answers", read.Hint, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NpgsqlException>(save.InnerException);
    }

    [Fact]
    public async Task A_host_configured_with_the_postgres_store_writes_to_postgresql_only_and_creates_no_sqlite_file()
    {
        using var workspace = new TempWorkspace();
        string connectionString = await fixture.CreateDatabaseAsync();
        var options = new PersistenceOptions
        {
            Postgres = new PostgresOptions { ConnectionString = connectionString },
            Store = new StoreOptions { Kind = RunStateStoreKind.Postgres, Origin = "server-1" },
        };
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddAcodePersistence(workspace.Workspace, options);
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            IRunStateStore store = host.Services.GetRequiredService<IRunStateStore>();
            Session session = await store.CreateSessionAsync("on a server");
            session.AddTask("plan").AddStep("think").AddToolCall("read_file", """{"path":"a"}""").Succeed("text");
            await store.SaveAsync(session);

            Assert.IsType<PostgresRunStateStore>(store);
            await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
            await using NpgsqlCommand count = dataSource.CreateCommand("SELECT count(*) FROM tool_calls WHERE origin = 'server-1';");
            Assert.Equal(1L, await count.ExecuteScalarAsync());
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.False(File.Exists(workspace.DatabasePath), "a SQLite file was created");
    }

    [Fact]
    public void The_postgres_store_without_a_connection_string_is_a_configuration_error()
    {
        var options = new PersistenceOptions { Store = new StoreOptions { Kind = RunStateStoreKind.Postgres } };

        AcodeDbException error = Assert.Throws<AcodeDbException>(options.Validate);

        Assert.Contains(StoreOptions.KindKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_origin_is_stable_per_host_and_reveals_no_host_name()
    {
        Assert.Equal(PostgresStoreOrigin.ForHost("build-7"), PostgresStoreOrigin.ForHost("BUILD-7"));
        Assert.NotEqual(PostgresStoreOrigin.ForHost("build-7"), PostgresStoreOrigin.ForHost("build-8"));
        Assert.Matches("^pg_[0-9a-f]{16}$", PostgresStoreOrigin.ForHost("build-7"));
    }
    [Fact]
    public async Task Secrets_are_replaced_before_a_save_or_an_append_reaches_postgresql()
    {
        string connectionString = await MigratedDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresRunStateStore(dataSource, "pg_test");
        SecretSample[] samples = [.. SecretCorpus.Secrets(SecretCorpus.DocumentedSeed).Where(s => s.Kind == "github-token").Take(1)];
        Assert.Single(samples);
        string secret = samples[0].Secret!;

        Session session = await store.CreateSessionAsync("leaky tool");
        ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("shell", $$"""{"cmd":"echo {{secret}}"}""");
        call.Succeed($"token: {secret}", TimeSpan.FromSeconds(1));
        await store.SaveAsync(session);
        await store.AppendEventAsync(session.Id, "note", $$"""{"text":"{{secret}}"}""");

        Assert.DoesNotContain(secret, call.Result, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:github-token]", call.Result, StringComparison.Ordinal);
        foreach (string sql in new[] { "SELECT count(*) FROM tool_calls WHERE result LIKE '%' || $1 || '%' OR arguments::text LIKE '%' || $1 || '%' OR document::text LIKE '%' || $1 || '%'", "SELECT count(*) FROM session_events WHERE payload::text LIKE '%' || $1 || '%' OR document::text LIKE '%' || $1 || '%'" })
        {
            await using NpgsqlCommand command = dataSource.CreateCommand(sql);
            command.Parameters.AddWithValue(secret);
            Assert.Equal(0L, await command.ExecuteScalarAsync());
        }

        await using NpgsqlCommand counted = dataSource.CreateCommand("SELECT count(*) FROM session_events WHERE session_id = $1 AND type = 'secrets.redacted'");
        counted.Parameters.AddWithValue(session.Id.Value);
        Assert.Equal(2L, await counted.ExecuteScalarAsync()); // one for the save, one for the append (as the SQLite store counts)
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> ScalarTextAsync(NpgsqlDataSource dataSource, string sql, string parameter)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(parameter);
        return (string?)await command.ExecuteScalarAsync();
    }

    private async Task<string> MigratedDatabaseAsync()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);
        return connectionString;
    }
}

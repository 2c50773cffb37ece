using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sync;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// Issue 12, part 3: pruning PostgreSQL's <c>sync_applied</c> (docs/postgres.md, "Pruning sync_applied") and the 1.4.0
/// migration over a 1.2.0 database that already holds data.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SyncAppliedPrunerTests(PostgresFixture fixture)
{
    [Fact]
    [Trait("Issue", "12.3")]
    public async Task The_SQL_idempotency_key_of_a_version_is_the_key_the_sync_writes()
    {
        int seed = Environment.TickCount;
        Console.WriteLine($"seed {seed}");
        var random = new Random(seed);
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        await h.Sync.EnsureSchemaAsync(CancellationToken.None);
        long[] stamps = [.. Enumerable.Range(0, 200).Select(_ => random.NextInt64(DateTimeOffset.UnixEpoch.UtcTicks, new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks)), 638_000_000_000_000_000, 638_000_000_000_000_001];
        foreach (long hlc in stamps)
        {
            Assert.Equal(PostgresOutboxApplier.KeyOf(EntityType.ToolCall, "tc_1", hlc), await h.PgScalarAsync("SELECT acode_idempotency_key('ToolCall', 'tc_1', $1)", hlc));
        }
    }

    [Theory]
    [Trait("Issue", "12.3")]
    [InlineData(true)]
    [InlineData(false)]
    public async Task After_pruning_a_change_from_a_workspace_that_held_the_stored_version_is_still_a_continuation(bool keepRule)
    {
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness first = await SyncHarness.CreateAsync(fixture, connectionString: pg);
        using SyncHarness second = await SyncHarness.CreateAsync(fixture, connectionString: pg);
        Session session = await first.Store.CreateSessionAsync("shared");
        for (int i = 0; i < 3; i++)
        {
            await first.Sync.SyncAsync(); // each version delivered: the earlier ones' keys are superseded
            session.Rename($"v{i + 2}");
            await first.Store.SaveAsync(session);
        }

        SessionId id = await ShareAsync(first, second, session);
        await first.Sync.SyncAsync();
        await second.Sync.SyncAsync();

        // The same change delivered by both: the first delivery stands (the second is a duplicate, ConflictRule), so the
        // second workspace only held it.
        SyncHarness holder = second;
        Assert.Equal(first.Database.WorkspaceId, await first.PgScalarAsync("SELECT origin FROM sessions"));
        string storedKey = (string)(await first.PgScalarAsync("SELECT idempotency_key FROM stored_versions WHERE entity_type = 'Session'"))!;
        await first.PgScalarAsync("UPDATE sync_applied SET applied_at = now() - interval '30 days'; UPDATE workspaces SET outbox_retention_days = 7; DELETE FROM sync_maintenance;");
        long before = await first.PgCountAsync("SELECT count(*) FROM sync_applied");

        long? pruned = keepRule
            ? await Pruner(pg).PruneAsync(CancellationToken.None)
            : await first.PgCountAsync("WITH d AS (DELETE FROM sync_applied RETURNING 1) SELECT count(*) FROM d"); // what a rule by age alone would do

        Assert.True(pruned > 0);
        if (keepRule)
        {
            // Only the stored version's keys are left, one per workspace that delivered it.
            // Only the stored versions' keys are left: the session's, once per workspace that delivered it.
            Assert.Equal(new[] { $"{storedKey}|{first.Database.WorkspaceId}", $"{storedKey}|{second.Database.WorkspaceId}" }.Order(StringComparer.Ordinal),
                (await first.PgRowsAsync("SELECT idempotency_key, origin FROM sync_applied WHERE entity_type = 'Session'")).Order(StringComparer.Ordinal));
            Assert.Equal(0, await first.PgCountAsync("SELECT count(*) FROM sync_applied a WHERE NOT EXISTS (SELECT 1 FROM stored_versions v WHERE v.idempotency_key = a.idempotency_key)"));
            Assert.Equal(before - await first.PgCountAsync("SELECT count(*) FROM sync_applied"), pruned);
        }

        await ConflictResolutionTests.RenameAsync(holder, id, "continued by the holder");
        await holder.Sync.SyncAsync();

        // With the rule: a continuation (applied, no conflict). Pruned by age alone: a false conflict.
        Assert.Equal(keepRule ? 0 : 1, await first.PgCountAsync("SELECT count(*) FROM sync_conflicts"));
        Assert.Equal("continued by the holder", await first.PgScalarAsync("SELECT title FROM sessions"));
    }

    [Fact]
    [Trait("Issue", "12.3")]
    public async Task Keys_younger_than_the_longest_retention_plus_a_day_are_kept_and_an_unknown_retention_counts_as_3650_days()
    {
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, connectionString: pg);
        Session session = await h.Store.CreateSessionAsync("s");
        await h.Sync.SyncAsync();
        session.Rename("superseded");
        await h.Store.SaveAsync(session);
        await h.Sync.SyncAsync();
        session.Rename("stored");
        await h.Store.SaveAsync(session);
        await h.Sync.SyncAsync();
        long stored = await h.PgCountAsync("SELECT count(*) FROM sync_applied a WHERE EXISTS (SELECT 1 FROM stored_versions v WHERE v.idempotency_key = a.idempotency_key)");
        await h.PgScalarAsync("UPDATE sync_applied SET applied_at = now() - interval '7 days 23 hours'; UPDATE workspaces SET outbox_retention_days = 7;");

        Assert.Equal(0, await Pruner(pg, TimeSpan.Zero).PruneAsync(CancellationToken.None)); // 7 days + 1 day not reached

        await h.PgScalarAsync("UPDATE sync_applied SET applied_at = now() - interval '400 days'; INSERT INTO workspaces (id, name, acode_version) VALUES ('ws_old', 'ws_old', 'unknown');");
        Assert.Equal(0, await Pruner(pg, TimeSpan.Zero).PruneAsync(CancellationToken.None)); // ws_old's retention is unknown: 3650 days

        await h.PgScalarAsync("DELETE FROM workspaces WHERE id = 'ws_old'");
        Assert.Equal(2, await Pruner(pg, TimeSpan.Zero).PruneAsync(CancellationToken.None)); // the two superseded versions of the session
        Assert.Equal(stored, await h.PgCountAsync("SELECT count(*) FROM sync_applied"));
        Assert.StartsWith("pruned 2 keys", (string)(await h.PgScalarAsync("SELECT last_result FROM sync_maintenance WHERE task = 'sync_applied_prune'"))!, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "10.19")]
    public async Task A_connection_broken_while_pruning_fails_with_the_outage_not_with_the_unlock_on_a_closed_connection()
    {
        // Found by the S4 fault scenario: the server went away during a prune, and the unlock in the pruner's finally ran
        // on the broken connection; its InvalidOperationException ("Connection is not open") replaced the outage's error,
        // which the sync treats as a pause, and escaped the sync run.
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, connectionString: pg);
        await h.Sync.EnsureSchemaAsync(CancellationToken.None);
        await using var blocker = new NpgsqlConnection(pg);
        await blocker.OpenAsync();
        await using NpgsqlTransaction locked = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE sync_applied IN ACCESS EXCLUSIVE MODE;", blocker, locked))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        Task<long?> prune = Pruner(pg, TimeSpan.FromHours(1)).PruneAsync(CancellationToken.None);

        // Watched from a connection of its own, outside any transaction: PostgreSQL takes one snapshot of
        // pg_stat_activity per transaction, so a poll inside the blocker's transaction would see the first look forever
        // (taken before the prune reached its DELETE when the machine is slow).
        await using var observer = new NpgsqlConnection(pg);
        await observer.OpenAsync();
        int pid = 0;
        for (int i = 0; i < 600 && pid == 0; i++)
        {
            await Task.Delay(50);
            await using var find = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'DELETE FROM sync_applied%';", observer);
            pid = await find.ExecuteScalarAsync() is int found ? found : 0;
        }

        Assert.NotEqual(0, pid);
        await using (var terminate = new NpgsqlCommand("SELECT pg_terminate_backend($1);", observer))
        {
            terminate.Parameters.AddWithValue(pid);
            await terminate.ExecuteScalarAsync();
        }

        Exception failure = await Assert.ThrowsAnyAsync<Exception>(() => prune);
        Assert.IsNotType<InvalidOperationException>(failure);
        Assert.NotNull(SyncFailures.AsUnavailable(failure, "test"));
    }

    [Fact]
    [Trait("Issue", "12.3")]
    public async Task One_pruner_at_a_time_and_at_most_once_per_interval()
    {
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, connectionString: pg);
        Session session = await h.Store.CreateSessionAsync("s");
        await h.Sync.SyncAsync(); // the sync's own prune ran now, with nothing old enough
        session.Rename("stored");
        await h.Store.SaveAsync(session);
        await h.Sync.SyncAsync();
        long all = await h.PgCountAsync("SELECT count(*) FROM sync_applied");
        await h.PgScalarAsync("UPDATE sync_applied SET applied_at = now() - interval '30 days'; UPDATE workspaces SET outbox_retention_days = 7; DELETE FROM sync_maintenance;");

        await using (var holder = new NpgsqlConnection(pg))
        {
            await holder.OpenAsync();
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({SyncAppliedPruner.LockKey.Class}, {SyncAppliedPruner.LockKey.Key});", holder))
            {
                await take.ExecuteNonQueryAsync();
            }

            Assert.Null(await Pruner(pg).PruneAsync(CancellationToken.None)); // another worker is pruning: skip, do not wait
            Assert.Equal(all, await h.PgCountAsync("SELECT count(*) FROM sync_applied"));
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({SyncAppliedPruner.LockKey.Class}, {SyncAppliedPruner.LockKey.Key});", holder);
            Assert.Equal(true, await release.ExecuteScalarAsync());
        }

        long?[] both = await Task.WhenAll(Pruner(pg).PruneAsync(CancellationToken.None), Pruner(pg).PruneAsync(CancellationToken.None));

        Assert.Single(both, r => r is not null);
        Assert.Equal(1, both.Single(r => r is not null));
        Assert.Null(await Pruner(pg).PruneAsync(CancellationToken.None)); // pruned less than an hour ago
    }

    [Fact]
    [Trait("Issue", "12.3")]
    public async Task Migrating_a_1_2_0_database_with_data_fills_workspaces_and_the_creator_of_each_session()
    {
        string pg = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(pg, "test"));
        await new PostgresMigrator([.. ShippedSchema.Postgres.Where(m => m.Version <= new Version(1, 2, 0))]).MigrateAsync(dataSource);
        await using (NpgsqlCommand seed = dataSource.CreateCommand("""
            INSERT INTO sessions (id, title, state, version, created_at, updated_at, hlc, origin, document) VALUES
                ('ses_1', 'made by a, continued by b', 'Completed', 2, now(), now(), 2, 'ws_b', '{}'),
                ('ses_2', 'never in sync_applied', 'Created', 1, now(), now(), 1, 'ws_c', '{}');
            INSERT INTO sync_applied (idempotency_key, entity_type, entity_id, origin, outcome, applied_at) VALUES
                ('Session:ses_1:k1', 'Session', 'ses_1', 'ws_a', 'Applied', now() - interval '2 days'),
                ('Session:ses_1:k2', 'Session', 'ses_1', 'ws_b', 'Applied', now() - interval '1 day');
            """))
        {
            await seed.ExecuteNonQueryAsync();
        }

        IReadOnlyList<Migration> applied = await new PostgresMigrator().MigrateAsync(dataSource);

        Assert.Contains(applied, m => m.VersionText == "1.4.0");
        await using NpgsqlCommand read = dataSource.CreateCommand("""
            SELECT string_agg(id || '>' || created_origin || '>' || origin, ',' ORDER BY id) FROM sessions
            UNION ALL SELECT string_agg(id || ':' || name || ':' || acode_version || ':' || COALESCE(outbox_retention_days::text, 'null') || ':' || (first_sync_at < last_sync_at), ',' ORDER BY id) FROM workspaces;
            """);
        var rows = new List<string>();
        await using (NpgsqlDataReader reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["ses_1>ws_a>ws_b,ses_2>ws_c>ws_c", "ws_a:ws_a:unknown:null:false,ws_b:ws_b:unknown:null:false"], rows);
        await using NpgsqlCommand update = dataSource.CreateCommand("UPDATE sessions SET created_origin = 'ws_x', origin = 'ws_y' WHERE id = 'ses_1' RETURNING created_origin;");
        Assert.Equal("ws_a", await update.ExecuteScalarAsync()); // never changed once set
    }

    private static SyncAppliedPruner Pruner(string connectionString, TimeSpan? interval = null)
        => new(PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(connectionString, "test")), interval);

    private static async Task<SessionId> ShareAsync(SyncHarness from, SyncHarness to, Session session)
    {
        using var export = new StringWriter();
        await Application.Serialization.SessionArchive.WriteAsync(export, from.Store, session);
        await foreach (Application.Serialization.SessionGraphBuilder graph in Application.Serialization.SessionArchive.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(export.ToString()))))
        {
            await to.Store.ImportAsync(graph.Session!, graph.Events);
        }

        return session.Id;
    }
}

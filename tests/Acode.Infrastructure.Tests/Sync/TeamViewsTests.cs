using System.Text.RegularExpressions;
using Acode.Application.Sync;
using Acode.Infrastructure.Migrations;
using Acode.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// Issue 12, part 3: the team's PostgreSQL read by hand (schema 1.4.0, docs/postgres.md). Two workspaces ("alice", "bob")
/// make sessions through the public API and sync them into a real PostgreSQL; the workspaces table, the creator of each
/// session, the views and every query of docs/postgres.md are checked against what they made.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed partial class TeamViewsTests(PostgresFixture fixture)
{
    // Yesterday noon UTC: inside "this week" whenever the test runs, and every session of the test falls on one day.
    private static readonly DateTimeOffset Start = new(DateTime.UtcNow.Date.AddHours(-12), TimeSpan.Zero);

    [Fact]
    [Trait("Issue", "12.3")]
    public async Task Each_workspace_has_one_row_with_its_name_version_retention_and_sync_times()
    {
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness alice = await SyncHarness.CreateAsync(fixture, connectionString: pg, options: new SyncOptions { WorkspaceName = "alice" });
        using SyncHarness unnamed = await SyncHarness.CreateAsync(fixture, connectionString: pg);

        await alice.Store.CreateSessionAsync("first");
        await alice.Sync.SyncAsync();
        await unnamed.Sync.SyncAsync(); // nothing to deliver: registered all the same
        DateTime firstSync = (DateTime)(await alice.PgScalarAsync("SELECT first_sync_at FROM workspaces WHERE id = $1", alice.Database.WorkspaceId!))!;
        DateTime lastSync = (DateTime)(await alice.PgScalarAsync("SELECT last_sync_at FROM workspaces WHERE id = $1", alice.Database.WorkspaceId!))!;

        await alice.Store.CreateSessionAsync("second");
        await alice.Sync.SyncAsync();

        string folder = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(alice.DatabasePath))!);
        Assert.Equal(
            [$"{alice.Database.WorkspaceId}|alice|7|True|True", $"{unnamed.Database.WorkspaceId}|{Environment.MachineName}/{Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(unnamed.DatabasePath))!)}|7|True|True"],
            (await alice.PgRowsAsync("SELECT id, name, outbox_retention_days, acode_version <> '' AND acode_version <> 'unknown', first_sync_at <= last_sync_at FROM workspaces ORDER BY name <> 'alice'")));
        Assert.NotEmpty(folder);
        Assert.Equal(firstSync, (DateTime)(await alice.PgScalarAsync("SELECT first_sync_at FROM workspaces WHERE id = $1", alice.Database.WorkspaceId!))!);
        Assert.True((DateTime)(await alice.PgScalarAsync("SELECT last_sync_at FROM workspaces WHERE id = $1", alice.Database.WorkspaceId!))! > lastSync);
    }

    [Fact]
    [Trait("Issue", "12.3")]
    public async Task A_workspace_name_with_a_control_character_or_over_200_characters_is_refused_with_its_code()
    {
        AcodeDbExceptionAssert(new SyncOptions { WorkspaceName = "bad\nname" });
        AcodeDbExceptionAssert(new SyncOptions { WorkspaceName = new string('x', 201) });
        new SyncOptions { WorkspaceName = new string('x', 200) }.Validate();
        await Task.CompletedTask;

        static void AcodeDbExceptionAssert(SyncOptions options)
        {
            Application.Errors.AcodeDbException ex = Assert.Throws<Application.Errors.AcodeDbException>(options.Validate);
            Assert.Equal("ACODE-DB-007", ex.Code);
            Assert.Contains("persistence:sync:workspaceName", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    [Trait("Issue", "12.3")]
    public async Task A_session_keeps_the_workspace_that_created_it_while_origin_follows_the_change_that_stands()
    {
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, connectionString: pg);
        using SyncHarness b = await SyncHarness.CreateAsync(fixture, connectionString: pg);
        SessionId id = await ConflictResolutionTests.ShareSessionAsync(a, b);
        await a.Sync.SyncAsync();
        await b.Sync.SyncAsync();

        await ConflictResolutionTests.RenameAsync(b, id, "continued by b");
        await b.Sync.SyncAsync();

        Assert.Equal($"{a.Database.WorkspaceId}|{b.Database.WorkspaceId}|continued by b", Assert.Single(await a.PgRowsAsync("SELECT created_origin, origin, title FROM sessions")));
        Assert.Equal(0, await a.PgCountAsync("SELECT count(*) FROM sync_conflicts"));
    }

    [Fact]
    [Trait("Issue", "12.3")]
    public async Task The_live_views_hide_deleted_sessions_and_everything_under_them()
    {
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, connectionString: pg);
        Session kept = await MakeSessionAsync(a, "kept", SessionState.Completed, ("read_file", 10, false));
        Session deleted = await MakeSessionAsync(a, "deleted", SessionState.Failed, ("secret_tool", 100_000, true));
        await a.Sync.SyncAsync();
        Assert.True(await a.Store.DeleteSessionAsync(deleted.Id));
        await a.Sync.SyncAsync();

        Assert.Equal(2, await a.PgCountAsync("SELECT count(*) FROM sessions"));
        Assert.Equal([kept.Id.Value], await a.PgRowsAsync("SELECT id FROM live_sessions"));
        Assert.Equal([kept.Id.Value], await a.PgRowsAsync("SELECT id FROM session_overview"));
        foreach (string view in new[] { "live_session_tasks", "live_steps", "live_tool_calls", "live_session_events" })
        {
            Assert.Equal(0, await a.PgCountAsync($"SELECT count(*) FROM {view} WHERE session_id = $1", deleted.Id.Value));
            Assert.True(await a.PgCountAsync($"SELECT count(*) FROM {view} WHERE session_id = $1", kept.Id.Value) > 0, view);
        }

        // A child row left under a tombstone (e.g. written by another writer) is hidden too.
        await a.PgScalarAsync("INSERT INTO tool_calls (id, session_id, step_id, tool_name, arguments, status, version, created_at, updated_at, hlc, origin, document) SELECT 'tc_orphan', $1, step_id, 'secret_tool', arguments, status, version, created_at, updated_at, hlc, origin, document FROM tool_calls WHERE session_id = $2", deleted.Id.Value, kept.Id.Value);
        Assert.Equal(0, await a.PgCountAsync("SELECT count(*) FROM live_tool_calls WHERE id = 'tc_orphan'"));
        Assert.Equal(["read_file"], await a.PgRowsAsync("SELECT tool_name FROM tool_call_stats"));
    }

    [Fact]
    [Trait("Issue", "12.3")]
    public async Task Every_query_of_docs_postgres_md_runs_and_answers_its_question()
    {
        var clockA = new FakeTimeProvider(Start);
        var clockB = new FakeTimeProvider(Start);
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness alice = await SyncHarness.CreateAsync(fixture, clockA, new SyncOptions { WorkspaceName = "alice" }, pg);
        using SyncHarness bob = await SyncHarness.CreateAsync(fixture, clockB, new SyncOptions { WorkspaceName = "bob" }, pg);
        Session failedA = await MakeSessionAsync(alice, "tests broke", SessionState.Failed, ("read_file", 10, false), ("run_tests", 2_000, true));
        clockA.Advance(TimeSpan.FromMinutes(1));
        Session completedA = await MakeSessionAsync(alice, "refactor", SessionState.Completed, ("read_file", 20, false));
        Session failedB = await MakeSessionAsync(bob, "build broke", SessionState.Failed, ("build", 5_000, true));
        Session gone = await MakeSessionAsync(bob, "gone", SessionState.Failed, ("secret_tool", 100_000, true));
        await alice.Sync.SyncAsync();
        await bob.Sync.SyncAsync();
        Assert.True(await bob.Store.DeleteSessionAsync(gone.Id));
        await bob.Sync.SyncAsync();

        Dictionary<string, string> queries = DocumentedQueries();
        Assert.Equal(["conflicts-this-week", "continued-elsewhere", "failed-this-week", "latest-sessions", "sessions-per-workspace-per-day", "slowest-tools", "workspaces"], queries.Keys.Order(StringComparer.Ordinal));
        string day = DateOnly.FromDateTime(Start.UtcDateTime).ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(["alice|True", "bob|True"], (await Run(alice, queries["workspaces"], 0, 1)).Order(StringComparer.Ordinal).Select(r => r.Split('|')[0] + "|" + (r.Split('|')[1].Length > 0)));
        Assert.Equal(
            [$"alice|{failedA.Id}|tests broke|run_tests|exit 1", $"bob|{failedB.Id}|build broke|build|exit 1"],
            (await Run(alice, queries["failed-this-week"], 0, 1, 2, 3, 4)).Order(StringComparer.Ordinal));
        Assert.Equal(["build|1|1|1.0000|5000|5000", "run_tests|1|1|1.0000|2000|2000", "read_file|2|0|0.0000|15|19.5"], await Run(alice, queries["slowest-tools"], 0, 1, 2, 3, 4, 5));
        Assert.Equal([$"alice|{day}|2|1", $"bob|{day}|1|1"], await Run(alice, queries["sessions-per-workspace-per-day"], 0, 1, 2, 3));
        Assert.Equal(new[] { completedA.Id.Value, failedB.Id.Value, failedA.Id.Value }.Order(StringComparer.Ordinal), (await Run(alice, queries["latest-sessions"], 0)).Order(StringComparer.Ordinal));
        Assert.Empty(await Run(alice, queries["continued-elsewhere"], 0));
        Assert.Empty(await Run(alice, queries["conflicts-this-week"], 0));
        Assert.DoesNotContain(gone.Id.Value, string.Join("\n", await Run(alice, queries["latest-sessions"], 0)));
    }

    [Fact]
    [Trait("Issue", "12.3")]
    public async Task A_keyset_page_of_sessions_is_an_index_range_not_a_scan()
    {
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, connectionString: pg);
        await h.Sync.EnsureSchemaAsync(CancellationToken.None);
        await h.PgScalarAsync("""
            INSERT INTO sessions (id, title, state, version, created_at, updated_at, hlc, origin, document)
            SELECT 'ses_' || lpad(g::text, 6, '0'), 't', 'Completed', 1, now() - g * interval '1 minute', now() - g * interval '1 minute', g, 'ws', '{}'
            FROM generate_series(1, 20000) AS g;
            ANALYZE sessions;
            """);

        foreach (string view in new[] { "session_overview", "live_sessions" })
        {
            string plan = string.Join("\n", await h.PgRowsAsync($"EXPLAIN SELECT id, title FROM {view} WHERE (updated_at, id) < (now() - interval '10 minutes', 'ses_999999') ORDER BY updated_at DESC, id DESC LIMIT 50"));

            Assert.True(plan.Contains("ix_sessions_updated", StringComparison.Ordinal) && !plan.Contains("Seq Scan on sessions", StringComparison.Ordinal) && !plan.Contains("Sort", StringComparison.Ordinal), plan);
        }
    }

    /// <summary>The <c>```sql</c> blocks of docs/postgres.md under a <c>&lt;!-- query: name --&gt;</c> marker, by name.</summary>
    internal static Dictionary<string, string> DocumentedQueries()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "postgres.md")).ReplaceLineEndings("\n");
        return QueryBlock().Matches(doc).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["sql"].Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// A session of <paramref name="h"/> with one task, one step and the given tool calls (name, milliseconds, failed), in
    /// <paramref name="state"/>; failed tool calls fail with "exit 1".
    /// </summary>
    internal static async Task<Session> MakeSessionAsync(SyncHarness h, string title, SessionState state, params (string Tool, int Milliseconds, bool Fails)[] calls)
    {
        Session session = Session.Create(title, null, h.Clock.TimeProvider);
        Step step = session.AddTask("task").AddStep("step");
        foreach ((string tool, int ms, bool fails) in calls)
        {
            ToolCall call = step.AddToolCall(tool, "{}");
            call.Start();
            if (fails)
            {
                call.Fail("exit 1", TimeSpan.FromMilliseconds(ms));
            }
            else
            {
                call.Succeed("ok", TimeSpan.FromMilliseconds(ms));
            }
        }

        session.AppendEvent("note");
        session.TransitionTo(SessionState.Executing);
        session.TransitionTo(state);
        await h.Store.SaveAsync(session);
        return session;
    }

    private static async Task<List<string>> Run(SyncHarness h, string sql, params int[] columns)
    {
        await using var connection = new NpgsqlConnection(h.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", columns.Select(i => reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Acode.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Acode.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"<!-- query: (?<name>[a-z0-9-]+) -->\n```sql\n(?<sql>.*?)```", RegexOptions.Singleline)]
    private static partial Regex QueryBlock();
}

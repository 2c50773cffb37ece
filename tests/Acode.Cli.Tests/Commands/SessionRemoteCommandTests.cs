using System.Text.Json;
using Acode.Application.Options;
using Acode.Domain.Entities;
using Acode.Domain.Ids;
using Acode.Cli.Tests.Support;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Npgsql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// The team's sessions read back from PostgreSQL through the real binary: <c>session list/show/export --remote</c> and
/// <c>session pull</c>, between two workspaces that sync into one database.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SessionRemoteCommandTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Fact]
    public async Task A_session_synced_by_one_workspace_is_listed_shown_and_exported_remotely_by_another_with_its_workspace()
    {
        string url = await ConfigureBothAsync();
        _a.Environment["ACODE_PERSISTENCE__SYNC__WORKSPACENAME"] = "ana-laptop";
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        string originOfA = await OriginAsync(url, id);

        JsonElement list = await _b.JsonAsync("session", "list", "--remote");
        JsonElement item = Assert.Single(list.GetProperty("items").EnumerateArray());
        JsonElement show = await _b.JsonAsync("session", "show", "--remote", id);
        AcodeResult table = await _b.RunOkAsync("session", "list", "--remote");
        AcodeResult export = await _b.RunOkAsync("session", "export", "--remote", id);
        AcodeResult localExport = await _a.RunOkAsync("session", "export", id);

        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.Equal(originOfA, item.GetProperty("workspace").GetString());
        Assert.Equal("ana-laptop", item.GetProperty("workspaceName").GetString()); // the name ui --remote shows over the id
        Assert.Contains("Workspace", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("ana-laptop", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(id, show[0].GetProperty("id").GetString());
        Assert.Equal(localExport.Stdout.Split('\n').Length, export.Stdout.Split('\n').Length);
        Assert.False(File.Exists(Path.Combine(_b.Root, ".agent", "workspace.db")), "remote reads create nothing locally");
    }

    [Fact]
    public async Task A_cursor_of_a_remote_page_is_refused_by_the_local_listing_and_search_and_the_other_way_round()
    {
        await ConfigureBothAsync();
        await _a.RunOkAsync("demo", "--sessions", "3");
        await _a.RunOkAsync("db", "sync");
        string remoteList = (await _a.JsonAsync("session", "list", "--remote", "-n", "1")).GetProperty("nextCursor").GetString()!;
        string localList = (await _a.JsonAsync("session", "list", "-n", "1")).GetProperty("nextCursor").GetString()!;
        string remoteSearch = (await _a.JsonAsync("session", "search", "tests", "--remote", "-n", "1")).GetProperty("nextCursor").GetString()!;
        string localSearch = (await _a.JsonAsync("session", "search", "tests", "-n", "1")).GetProperty("nextCursor").GetString()!;

        foreach ((string[] arguments, string printed, string given) in new[]
        {
            (new[] { "session", "list", "-n", "1", "--cursor", remoteList }, "the team's PostgreSQL (--remote)", "a workspace's own sessions (without --remote)"),
            (new[] { "session", "list", "--remote", "-n", "1", "--cursor", localList }, "a workspace's own sessions (without --remote)", "the team's PostgreSQL (--remote)"),
            (new[] { "session", "search", "tests", "-n", "1", "--cursor", remoteSearch }, "the team's PostgreSQL (--remote)", "a workspace's own sessions (without --remote)"),
            (new[] { "session", "search", "tests", "--remote", "-n", "1", "--cursor", localSearch }, "a workspace's own sessions (without --remote)", "the team's PostgreSQL (--remote)"),
        })
        {
            AcodeResult refused = await _a.RunAsync(arguments);
            Assert.True(refused.ExitCode == 2, refused.ToString());
            Assert.Contains($"The cursor was made for a page of {printed}, not of {given}.", refused.Stderr.ReplaceLineEndings(" "), StringComparison.Ordinal);
        }

        await _a.RunOkAsync("session", "list", "--remote", "-n", "1", "--cursor", remoteList);
        await _a.RunOkAsync("session", "search", "tests", "-n", "1", "--cursor", localSearch);
    }

    [Fact]
    public async Task Pull_then_a_local_change_then_sync_round_trips_without_a_conflict_and_pulling_twice_changes_nothing()
    {
        string url = await ConfigureBothAsync();
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());

        JsonElement first = await _b.JsonAsync("session", "pull", id);
        JsonElement second = await _b.JsonAsync("session", "pull", id);
        await ChangeLocallyAsync(_b, id, "continued in B");
        AcodeResult sync = await _b.RunOkAsync("db", "sync");

        Assert.True(first.GetProperty("pulled")[0].GetProperty("inserted").GetInt32() > 0);
        Assert.Equal(0, second.GetProperty("pulled")[0].GetProperty("inserted").GetInt32() + second.GetProperty("pulled")[0].GetProperty("updated").GetInt32());
        Assert.Contains("0 conflict(s)", sync.Stdout, StringComparison.Ordinal);
        Assert.Equal(0L, await PostgresSql.CountAsync(url, "SELECT count(*) FROM sync_conflicts"));
        Assert.Equal("continued in B", (await _a.JsonAsync("session", "show", "--remote", id))[0].GetProperty("title").GetString());
    }

    [Fact]
    public async Task Pull_all_since_takes_the_window_and_a_later_pull_brings_a_remote_change_that_then_continues_without_a_conflict()
    {
        string url = await ConfigureBothAsync();
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());

        JsonElement window = await _b.JsonAsync("session", "pull", "--all", "--since", "7d");
        await ChangeLocallyAsync(_a, id, "changed in A after B pulled");
        await _a.RunOkAsync("db", "sync");
        JsonElement again = await _b.JsonAsync("session", "pull", id);
        string titleInB = (await _b.JsonAsync("session", "show", id))[0].GetProperty("title").GetString()!;
        await ChangeLocallyAsync(_b, id, "continued in B");
        AcodeResult sync = await _b.RunOkAsync("db", "sync");

        JsonElement pulled = Assert.Single(window.GetProperty("pulled").EnumerateArray());
        Assert.Equal(id, pulled.GetProperty("id").GetString());
        Assert.True(pulled.GetProperty("inserted").GetInt32() > 0);
        Assert.Equal(1, again.GetProperty("pulled")[0].GetProperty("updated").GetInt32());
        Assert.Equal("changed in A after B pulled", titleInB);
        Assert.Contains("0 conflict(s)", sync.Stdout, StringComparison.Ordinal);
        Assert.Equal(0L, await PostgresSql.CountAsync(url, "SELECT count(*) FROM sync_conflicts"));
        Assert.Equal("continued in B", (await _a.JsonAsync("session", "show", "--remote", id))[0].GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_change_made_elsewhere_meanwhile_is_a_recorded_conflict()
    {
        string url = await ConfigureBothAsync();
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        await _b.RunOkAsync("session", "pull", id);

        await ChangeLocallyAsync(_a, id, "changed in A");
        await _a.RunOkAsync("db", "sync");
        await ChangeLocallyAsync(_b, id, "changed in B meanwhile");
        await _b.RunOkAsync("db", "sync");

        Assert.Equal(1L, await PostgresSql.CountAsync(url, "SELECT count(*) FROM sync_conflicts WHERE entity_type = 'Session'"));
    }

    [Fact]
    public async Task A_session_deleted_in_PostgreSQL_by_another_workspace_is_named_deleted_by_pull_show_and_export()
    {
        string url = await ConfigureBothAsync();
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        await _b.RunOkAsync("session", "pull", id);
        await _a.RunOkAsync("session", "delete", id, "--yes");
        await _a.RunOkAsync("db", "sync");
        string deleter = await OriginAsync(url, id);

        AcodeResult pull = await _b.RunAsync("session", "pull", id);
        AcodeResult show = await _b.RunAsync("session", "show", "--remote", id);
        AcodeResult export = await _b.RunAsync("session", "export", "--remote", id);

        foreach (AcodeResult result in new[] { pull, show, export })
        {
            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"Session {id} was deleted in PostgreSQL at ", result.Stderr, StringComparison.Ordinal);
            Assert.Matches($@"\(UTC\) by workspace .*\({deleter}\) \('acode session delete' there", result.Stderr);
            Assert.Contains("Try: A copy of it in a workspace stays there but is no longer shared", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("No session", result.Stderr, StringComparison.Ordinal);
        }

        Assert.Contains("Nothing was pulled.", pull.Stderr, StringComparison.Ordinal);
        Assert.Equal(id, Assert.Single(await _b.SessionIdsAsync())); // B's copy is left alone

        // The suggested delete names B's workspace: pasted in A's folder (where A holds a new session) it removes B's copy only.
        await _a.RunOkAsync("demo");
        IReadOnlyList<string> ofA = await _a.SessionIdsAsync();
        string suggested = $"acode --workspace {_b.Root} session delete {id} --local";
        Assert.Contains($"with '{suggested}'", show.Stderr, StringComparison.Ordinal);
        AcodeResult deleted = await PrintedCommand.RunAsync(suggested + " --yes", _a.Root, _b.Environment);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Empty(await _b.SessionIdsAsync());
        Assert.Equal(ofA, await _a.SessionIdsAsync());

        // Read from a folder that is no workspace: no command naming that folder (it holds no copy to delete).
        string elsewhere = Directory.CreateTempSubdirectory("acode-no-workspace-").FullName;
        try
        {
            AcodeResult outside = await _b.RunInAsync(elsewhere, "session", "show", "--remote", id);
            Assert.Equal(1, outside.ExitCode);
            Assert.Contains($"with 'acode --workspace <folder> session delete {id} --local'", outside.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(elsewhere, outside.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task Since_with_a_session_id_is_refused_instead_of_being_ignored_and_nothing_is_pulled()
    {
        await ConfigureBothAsync();
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());

        AcodeResult pull = await _b.RunAsync("session", "pull", id, "--since", "2d");

        Assert.True(pull.ExitCode == 2, pull.ToString());
        Assert.Contains("Error: --since goes with --all", pull.Stderr, StringComparison.Ordinal);
        Assert.Contains("acode session pull --all --since", pull.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_b.DatabasePath), "a refused pull created a workspace");
    }

    [Fact]
    public async Task Without_PostgreSQL_the_remote_commands_exit_17_and_with_it_down_16_touching_nothing_local()
    {
        AcodeResult list = await _b.RunAsync("session", "list", "--remote");
        AcodeResult pull = await _b.RunAsync("session", "pull", "sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V");
        Assert.Equal((17, 17), (list.ExitCode, pull.ExitCode));
        Assert.Contains("Error: ACODE-DB-007", pull.Stderr, StringComparison.Ordinal);

        _b.Environment["ACODE_POSTGRES_URL"] = "postgresql://acode@127.0.0.1:1/acode";
        AcodeResult down = await _b.RunAsync("session", "pull", "--all");
        AcodeResult show = await _b.RunAsync("session", "show", "--remote", "sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V");
        Assert.Equal((16, 16), (down.ExitCode, show.ExitCode));
        Assert.Contains("Error: ACODE-DB-006", down.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_b.DatabasePath), "a local database was created");
    }

    [Fact]
    public async Task With_PostgreSQL_down_a_reader_is_told_that_nothing_was_read_not_that_changes_wait_for_a_sync()
    {
        _b.Environment["ACODE_POSTGRES_URL"] = "postgresql://acode@127.0.0.1:1/acode";
        await _b.RunOkAsync("demo"); // a workspace with a backlog: a reader's advice is still not about it

        foreach (string[] command in new[] { new[] { "session", "list", "--remote" }, ["session", "search", "flaky", "--remote"], ["session", "pull", "--all"] })
        {
            AcodeResult result = await _b.RunAsync(command);
            Assert.True(result.ExitCode == 16, result.ToString());
            Assert.Contains("Error: ACODE-DB-006", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("Try: Nothing was read or changed. Try again once PostgreSQL answers; check that the server is running", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("sync resumes", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("backlog", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_reader_aimed_at_a_database_that_is_not_acodes_is_told_that_nothing_was_read()
    {
        // Trial AO 2: the error was right, its Try line the sync's ("changes wait in the outbox … sync resumes").
        string foreign = await fixture.CreateDatabaseAsync();
        await PostgresSql.ExecuteAsync(foreign, "CREATE TABLE customers (id int);");
        _b.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(foreign);
        await _b.RunOkAsync("demo");

        foreach (string[] command in new[] { new[] { "session", "list", "--remote" }, ["session", "search", "flaky", "--remote"], ["session", "pull", "--all"] })
        {
            AcodeResult result = await _b.RunAsync(command);
            Assert.True(result.ExitCode == 16, result.ToString());
            Assert.Contains("so it is not an acode database", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("Try: Nothing was read or changed.", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("sync resumes", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    [Trait("Issue", "trialAS.1")]
    public async Task A_change_kept_here_as_a_dead_letter_is_said_as_one_with_retry_not_as_waiting_for_the_next_sync()
    {
        string url = await ConfigureBothAsync();
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        await _b.RunOkAsync("session", "pull", id);
        await PostgresSql.ExecuteAsync(url, "ALTER TABLE sessions ADD CONSTRAINT acode_test_rejects CHECK (title NOT LIKE 'BOOM%') NOT VALID;");
        await SessionEdit.RetitleAsync(_b, id, "BOOM refused by the team's database", DateTimeOffset.UtcNow);
        _b.Environment["ACODE_PERSISTENCE__SYNC__MAXATTEMPTS"] = "1";
        Assert.Equal(1, (await _b.RunAsync("db", "sync")).ExitCode);

        AcodeResult pulled = await _b.RunOkAsync("session", "pull", id);
        JsonElement pulledJson = Assert.Single((await _b.JsonAsync("session", "pull", id)).GetProperty("pulled").EnumerateArray());
        AcodeResult delete = await _b.RunAsync("session", "delete", id, "--local", "--yes");
        AcodeResult prune = await _b.RunOkAsync("db", "prune", "--older-than", "0s", "--dry-run");

        Assert.Contains("1 row(s) kept: a change of them made here was dead-lettered", pulled.Stdout, StringComparison.Ordinal);
        Assert.Contains("'acode db sync retry --all'", pulled.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("waits in the outbox", pulled.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, pulledJson.GetProperty("kept").GetInt32());
        Assert.Equal(1, pulledJson.GetProperty("keptDeadLettered").GetInt32());
        Assert.True(delete.ExitCode == 1, delete.ToString());
        Assert.Contains("One of them holds a change PostgreSQL refused (dead letters), which 'acode db sync' does not send", delete.Stderr, StringComparison.Ordinal);
        Assert.Contains("'acode db sync retry --all' requeues them", prune.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    [Trait("Issue", "trialAT.4")]
    public async Task Pull_all_cut_off_by_PostgreSQL_says_how_many_sessions_it_pulled_and_to_run_it_again_not_that_nothing_was_saved(bool json)
    {
        string url = await ConfigureBothAsync();
        await _a.RunOkAsync("demo", "--sessions", "2");
        await _a.RunOkAsync("db", "sync");
        // PostgreSQL fails (as a server shutting down does) once the pull records that it holds a second session.
        await PostgresSql.ExecuteAsync(url, """
            CREATE FUNCTION trial_outage() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.idempotency_key LIKE 'Session:%' AND EXISTS (
                    SELECT 1 FROM sync_applied s WHERE s.origin = NEW.origin AND s.idempotency_key LIKE 'Session:%' AND s.entity_id <> NEW.entity_id) THEN
                    RAISE EXCEPTION 'the server went away' USING ERRCODE = '57P01';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER trial_outage BEFORE INSERT ON sync_applied FOR EACH ROW EXECUTE FUNCTION trial_outage();
            """);

        AcodeResult cut = await _b.RunAsync(json ? ["session", "pull", "--all", "--json"] : ["session", "pull", "--all"]);
        IReadOnlyList<string> held = await _b.SessionIdsAsync();
        await PostgresSql.ExecuteAsync(url, "DROP TRIGGER trial_outage ON sync_applied;");
        AcodeResult again = await _b.RunAsync("session", "pull", "--all");

        Assert.True(cut.ExitCode == 16, cut.ToString());
        Assert.Contains("Error: ACODE-DB-006", cut.Stderr, StringComparison.Ordinal);
        // The second session was written here before recording it failed: it stays, and is counted (trial AS 3: it was not).
        Assert.Equal(2, held.Count);
        if (json)
        {
            // The document lists both sessions this workspace now holds, then the error (trial AT 4: no JSON at all).
            using JsonDocument document = JsonDocument.Parse(cut.Stdout);
            Assert.Equal(held.Order(StringComparer.Ordinal), document.RootElement.GetProperty("pulled").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
            Assert.StartsWith("ACODE-DB-006: ", document.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        else
        {
            // Each is said as it was done (trial AO 5: nothing was), also the one whose recording failed (AT 4).
            Assert.Equal(2, cut.Stdout.Split('\n').Count(line => line.Contains(": pulled (", StringComparison.Ordinal)));
        }

        Assert.Contains("Try: 2 of 2 session(s) (2 pulled, 0 already up to date) before that; those stay in this workspace. Once PostgreSQL answers, run the same command again", cut.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Nothing was saved", cut.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("persistence:store:kind", cut.Stderr, StringComparison.Ordinal);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(await _a.SessionIdsAsync(), await _b.SessionIdsAsync());
    }

    [Theory]
    [InlineData("60")]
    [InlineData("120")]
    [InlineData("160")]
    [Trait("Issue", "trialAE.F3")]
    public async Task The_remote_list_shows_each_sessions_workspace_at_every_width(string columns)
    {
        string url = await ConfigureBothAsync();
        _a.Environment["ACODE_PERSISTENCE__SYNC__WORKSPACENAME"] = "a-long-workspace-name-for-the-laptop";
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string origin = await OriginAsync(url, Assert.Single(await _a.SessionIdsAsync()));
        _b.Environment["COLUMNS"] = columns;

        AcodeResult table = await _b.RunOkAsync("session", "list", "--remote");

        // It was the first column to go: from 70 to about 200 columns the listing did not say where a version came from.
        Assert.Contains(origin, table.Stdout, StringComparison.Ordinal);
        Assert.Contains("a-long-workspace-name-for-the-laptop", table.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("80", "session", "list", "--remote")]
    [InlineData("100", "session", "list", "--remote")]
    [InlineData("80", "session", "search", "flaky", "--remote")]
    [InlineData("100", "session", "search", "flaky", "--remote")]
    [Trait("Issue", "trialAF.5")]
    [Trait("Issue", "trialAH.1")]
    public async Task A_remote_table_too_narrow_for_a_workspace_column_names_the_workspace_under_the_session_id(string columns, params string[] command)
    {
        string url = await ConfigureBothAsync();
        _a.Environment["ACODE_PERSISTENCE__SYNC__WORKSPACENAME"] = "laptop";
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        string origin = await OriginAsync(url, id);
        _b.Environment["COLUMNS"] = columns;

        AcodeResult table = await _b.RunOkAsync(command);

        // A table (not a block of lines per session), and the workspace's name under the id: the list was blocks from 80
        // to 119 columns; the search left the workspace out from 80 to about 140 (with a longer name than here).
        Assert.DoesNotContain("ID: ", table.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Session: ", table.Stdout, StringComparison.Ordinal);
        string[] lines = table.Stdout.Split('\n');
        int row = Array.FindIndex(lines, line => line.TrimStart().StartsWith(id, StringComparison.Ordinal));
        Assert.True(row >= 0, table.ToString());
        Assert.Contains("  laptop", lines[command[1] == "search" ? row + 2 : row + 1], StringComparison.Ordinal);
        Assert.DoesNotContain(origin, table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "trialAI.4")]
    public async Task A_remote_search_names_the_workspace_under_the_id_rather_than_squeeze_the_snippet_beside_a_workspace_column()
    {
        await ConfigureBothAsync();
        _a.Environment["ACODE_PERSISTENCE__SYNC__WORKSPACENAME"] = "laptop";
        const string prompt = "Investigate the intermittent deadlock in the payment reconciliation worker under load";
        string file = Path.Combine(_a.Root, "t", "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, $$$"""{"type":"user","uuid":"u1","timestamp":"2026-12-01T10:00:00Z","message":{"role":"user","content":"{{{prompt}}}"}}""" + "\n");
        await _a.RunOkAsync("import", "claude-code", file);
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        _b.Environment["COLUMNS"] = "110";

        string[] lines = (await _b.RunOkAsync("session", "search", "deadlock", "--remote")).Stdout.Split('\n');

        // At 110 columns a Workspace column left the snippet 20 columns: the hit took nine lines. Under the id, the
        // name leaves the snippet the rest of the line.
        Assert.DoesNotContain(lines, l => l.Contains("Workspace", StringComparison.Ordinal));
        int row = Array.FindIndex(lines, l => l.TrimStart().StartsWith(id, StringComparison.Ordinal));
        Assert.True(row >= 0, string.Join('\n', lines));
        Assert.Contains("Investigate the intermittent deadlock in the", lines[row], StringComparison.Ordinal);
        Assert.Contains("  laptop", lines[row + 2], StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "trialAF.5")]
    public async Task The_remote_lists_block_form_shows_the_workspace_name_whole()
    {
        string url = await ConfigureBothAsync();
        const string name = "a-rather-long-workspace-folder-name-for-the-team-laptop";
        _a.Environment["ACODE_PERSISTENCE__SYNC__WORKSPACENAME"] = name;
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string origin = await OriginAsync(url, Assert.Single(await _a.SessionIdsAsync()));
        _b.Environment["COLUMNS"] = "60";

        AcodeResult blocks = await _b.RunOkAsync("session", "list", "--remote");

        // No column width applies to a block's line: the name is not cut at a table's 40 characters.
        Assert.Contains($"Workspace: {name} / {origin}", blocks.Stdout, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private async Task<string> ConfigureBothAsync()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        string url = PostgresServer.ToUrl(connectionString);
        _a.Environment["ACODE_POSTGRES_URL"] = url;
        _b.Environment["ACODE_POSTGRES_URL"] = url;
        return connectionString;
    }

    /// <summary>A change as the agent makes it: through the library, on the workspace's database.</summary>
    private static async Task ChangeLocallyAsync(CliWorkspace workspace, string id, string title)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(workspace.Root), new SqliteOptions());
        var store = new SqliteRunStateStore(database);
        Session session = (await store.GetSessionAsync(SessionId.Parse(id)))!;
        session.Rename(title);
        await store.SaveAsync(session);
    }

    private static async Task<string> OriginAsync(string connectionString, string id)
    {
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await using NpgsqlCommand command = dataSource.CreateCommand("SELECT origin FROM sessions WHERE id = $1;");
        command.Parameters.AddWithValue(id);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}

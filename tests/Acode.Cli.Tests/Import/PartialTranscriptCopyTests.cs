using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// A Claude Code transcript and a copy of it that lacks its first turn (a partial copy on a second machine, same file
/// name), imported into two workspaces and synced, through the real binary and a real PostgreSQL. The copies are two
/// sessions (a session's id takes its first record's time) whose later records share ids; the first synced keeps those
/// rows for the team and the other's changes to them are never applied (a row never moves between sessions). Trial AA:
/// the sync told the second workspace to run <c>session pull</c>, and the pull said "already up to date", leaving a
/// session whose tasks the team never gets. Now both name the session PostgreSQL files those rows under, and following
/// their advice gives the second workspace the team's copy.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PartialTranscriptCopyTests(PostgresFixture fixture) : IDisposable
{
    private const string FileName = "33333333-3333-4333-8333-333333333333.jsonl";

    private readonly CliWorkspace _whole = new();
    private readonly CliWorkspace _partial = new();

    [Fact]
    public async Task Sync_and_pull_name_the_session_that_holds_the_rows_of_a_partial_copy()
    {
        (string team, string mine, AcodeResult sync) = await SyncBothAsync();

        Assert.Contains($"not applied: PostgreSQL files their rows under another session (session {mine}'s under {team})", sync.Stdout, StringComparison.Ordinal);
        Assert.Contains($"'acode session delete {mine} --local', then 'acode session pull {team}', holds the team's copy here instead", sync.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("lost to newer versions", sync.Stdout, StringComparison.Ordinal);

        AcodeResult pull = await _partial.RunOkAsync("session", "pull", mine);
        JsonElement pulled = (await _partial.JsonAsync("session", "pull", mine, "--json")).GetProperty("pulled")[0];

        Assert.DoesNotContain("already up to date", pull.Stdout, StringComparison.Ordinal);
        Assert.Contains($"row(s) kept as this workspace's own: PostgreSQL files them under session {team}", pull.Stdout, StringComparison.Ordinal);
        Assert.Contains($"'acode session delete {mine} --local', then 'acode session pull {team}', holds the team's copy here instead", pull.Stdout, StringComparison.Ordinal);
        Assert.Equal(8, pulled.GetProperty("filedElsewhere").GetInt32()); // p1's and p2's task, two steps and tool call each
        Assert.Equal(team, Assert.Single(pulled.GetProperty("filedUnder").EnumerateArray()).GetString());

        // The advice, followed: this workspace then holds the team's copy, whole.
        await _partial.RunOkAsync("session", "delete", mine, "--local", "--yes");
        await _partial.RunOkAsync("session", "pull", team);
        Assert.Equal([team], await _partial.SessionIdsAsync());
        Assert.Equal(3, Tasks(await _partial.JsonAsync("session", "show", team)));
    }

    [Fact]
    public async Task Rows_lost_to_a_session_deleted_since_reach_PostgreSQL_when_delivered_again()
    {
        (string team, string mine, _) = await SyncBothAsync();

        // The session holding the shared rows is deleted for the team: the rows go with it.
        await _whole.RunOkAsync("session", "delete", team, "--yes");
        await _whole.RunOkAsync("db", "sync");
        AcodeResult pull = await _partial.RunOkAsync("session", "pull", mine);
        Assert.Contains("8 row(s) of this workspace's copy are in no PostgreSQL session", pull.Stdout, StringComparison.Ordinal);
        Assert.Contains("'acode db sync retry --processed', then 'acode db sync', delivers them again", pull.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("already up to date", pull.Stdout, StringComparison.Ordinal);

        await _partial.RunOkAsync("db", "sync", "retry", "--processed");
        AcodeResult again = await _partial.RunOkAsync("db", "sync");

        Assert.DoesNotContain(" 0 applied", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Tasks(await _partial.JsonAsync("session", "show", "--remote", mine)));
        Assert.Equal(0, (await _partial.JsonAsync("session", "pull", mine, "--json")).GetProperty("pulled")[0].GetProperty("heldNowhere").GetInt32());
    }

    [Fact]
    public async Task A_session_imported_again_after_its_rows_owner_was_deleted_reaches_PostgreSQL()
    {
        (string team, string mine, _) = await SyncBothAsync();
        string export = Path.Combine(_partial.Root, "mine.jsonl");
        await _partial.RunOkAsync("session", "export", mine, "-o", export);

        // As the refusal of 'session import' says: delete the session that holds the rows, then import the file.
        await _whole.RunOkAsync("session", "delete", team, "--yes");
        await _whole.RunOkAsync("session", "import", export);
        await _whole.RunOkAsync("db", "sync");

        Assert.Equal(2, Tasks(await _whole.JsonAsync("session", "show", "--remote", mine)));
    }

    [Fact]
    public async Task Delivered_again_while_the_other_session_holds_the_rows_they_are_reported_as_not_applied_not_as_duplicates()
    {
        (string team, string mine, _) = await SyncBothAsync();

        await _partial.RunOkAsync("db", "sync", "retry", "--processed");
        AcodeResult again = await _partial.RunOkAsync("db", "sync");

        Assert.Contains($"8 of your change(s) not applied: PostgreSQL files their rows under another session (session {mine}'s under {team})", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, Tasks(await _partial.JsonAsync("session", "show", "--remote", mine)));
    }

    [Fact]
    public async Task Pull_all_names_a_session_whose_rows_a_local_copy_holds_and_pulls_the_others()
    {
        (string team, string mine, _) = await SyncBothAsync();

        AcodeResult pull = await _partial.RunOkAsync("session", "pull", "--all");
        JsonElement json = await _partial.JsonAsync("session", "pull", "--all", "--json");

        Assert.Contains($"{team}: not pulled: its ", pull.Stdout, StringComparison.Ordinal);
        Assert.Contains($"is held here by session {mine}, a copy of it", pull.Stdout, StringComparison.Ordinal);
        JsonElement held = Assert.Single(json.GetProperty("heldByCopies").EnumerateArray());
        Assert.Equal(team, held.GetProperty("id").GetString());
        Assert.Equal(mine, held.GetProperty("heldBy").GetString());
        Assert.Equal(mine, Assert.Single(json.GetProperty("pulled").EnumerateArray()).GetProperty("id").GetString());
    }

    /// <summary>The whole copy imported and synced first, then the partial one: returns the two sessions and the second sync.</summary>
    private async Task<(string Team, string Mine, AcodeResult Sync)> SyncBothAsync()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _whole.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _partial.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        string[] turns = [.. Turn("p0", "12:00:00", null), .. Turn("p1", "12:01:00", "u-p0-4"), .. Turn("p2", "12:02:00", "u-p1-4")];
        await _whole.RunOkAsync("import", "claude-code", Write(_whole, turns));
        await _whole.RunOkAsync("db", "sync");
        await _partial.RunOkAsync("import", "claude-code", Write(_partial, turns[4..]));
        string team = Assert.Single(await _whole.SessionIdsAsync());
        string mine = Assert.Single(await _partial.SessionIdsAsync());
        Assert.NotEqual(team, mine);
        return (team, mine, await _partial.RunOkAsync("db", "sync"));
    }

    public void Dispose()
    {
        _whole.Dispose();
        _partial.Dispose();
    }

    private static int Tasks(JsonElement shown) => shown.EnumerateArray().Count(e => e.GetProperty("entity").GetString() == "SessionTask");

    private static string Write(CliWorkspace workspace, string[] lines)
    {
        string file = Path.Combine(workspace.Root, "t", FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file, lines);
        return file;
    }

    /// <summary>One turn: the prompt, a tool call, its result and the answer, one second apart (Claude Code's record shapes).</summary>
    private static string[] Turn(string label, string time, string? parent)
    {
        string At(int second) => $"2026-12-05T{time[..6]}{int.Parse(time[6..], System.Globalization.CultureInfo.InvariantCulture) + second:00}.000Z";
        string Parent(string? uuid) => uuid is null ? "null" : $"\"{uuid}\"";
        string head = """{"sessionId":"33333333-3333-4333-8333-333333333333","cwd":"/home/dev/app","isSidechain":false,""";
        return
        [
            head + $$$"""
                "type":"user","uuid":"u-{{{label}}}-1","parentUuid":{{{Parent(parent)}}},"timestamp":"{{{At(0)}}}","message":{"role":"user","content":"Do step {{{label}}}"}}
                """,
            head + $$$"""
                "type":"assistant","uuid":"u-{{{label}}}-2","parentUuid":"u-{{{label}}}-1","timestamp":"{{{At(1)}}}","message":{"id":"msg_{{{label}}}_a","model":"m","role":"assistant","content":[{"type":"tool_use","id":"toolu_{{{label}}}","name":"Bash","input":{"command":"echo {{{label}}}"}}],"stop_reason":"tool_use"}}
                """,
            head + $$$"""
                "type":"user","uuid":"u-{{{label}}}-3","parentUuid":"u-{{{label}}}-2","timestamp":"{{{At(2)}}}","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_{{{label}}}","content":"out {{{label}}}"}]}}
                """,
            head + $$$"""
                "type":"assistant","uuid":"u-{{{label}}}-4","parentUuid":"u-{{{label}}}-3","timestamp":"{{{At(3)}}}","message":{"id":"msg_{{{label}}}_b","model":"m","role":"assistant","content":[{"type":"text","text":"Done {{{label}}}"}],"stop_reason":"end_turn"}}
                """,
        ];
    }
}

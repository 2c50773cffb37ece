using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// Two copies of one Codex rollout (the same <c>session_meta</c> id, so one session), one lacking the first turn, imported
/// into two workspaces and synced, through the real binary and a real PostgreSQL. Codex records carry no ids, so the
/// copies key their tasks and steps by line and number them apart, while a tool call keeps its <c>call_id</c>: both write
/// the same tool calls, at the same version and stamp, under different steps. One copy's tool calls lose the tie in
/// PostgreSQL. Trial AC F3: <c>session pull</c> compared versions and stamps only, kept the differing rows and said
/// "already up to date"; and the losing copy's next sync still said its lost changes were held there after a pull had
/// taken the winners (the stamps are the same). Now every workspace holds PostgreSQL's rows after one pull, a second pull
/// changes nothing, and no sync reports a change lost that a pull replaced.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class CodexRolloutCopyPullTests(PostgresFixture fixture) : IDisposable
{
    private const string SourceId = "019a2d7a-41c4-78b1-b7cc-a45d62a89cd7";

    private readonly CliWorkspace _whole = new();
    private readonly CliWorkspace _partial = new();

    [Fact]
    public async Task After_a_pull_each_copy_holds_PostgreSQLs_rows_where_they_differ_at_the_same_stamps_and_no_sync_reports_them_lost()
    {
        (string id, CliWorkspace[] order) = await SyncBothAsync();

        foreach (CliWorkspace workspace in order)
        {
            await workspace.RunOkAsync("session", "pull", id);
            AcodeResult again = await workspace.RunOkAsync("session", "pull", id);
            AcodeResult sync = await workspace.RunOkAsync("db", "sync");

            Assert.Contains("already up to date", again.Stdout, StringComparison.Ordinal);
            Assert.Equal(await RowsAsync(workspace, id, "--remote"), await RowsAsync(workspace, id));
            Assert.DoesNotContain("lost to newer versions", sync.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task After_a_pull_each_workspace_still_imports_its_own_transcript_as_it_grows()
    {
        // Trial AD F1: PostgreSQL merges the two copies into one session (each keys its tasks by line), and after a pull
        // each workspace refused its own, unchanged transcript as "another run", under --watch too, for good.
        (string id, _) = await SyncBothAsync();

        foreach ((CliWorkspace workspace, int first) in new[] { (_whole, 1), (_partial, 2) })
        {
            await workspace.RunOkAsync("session", "pull", id);
            AcodeResult again = await workspace.RunOkAsync("import", "codex", Write(workspace, first, 4));

            Assert.Contains("Imported 1 transcript(s) into 1 session(s)", again.Stdout, StringComparison.Ordinal);
            Assert.Contains("Codex task 4", (await workspace.RunOkAsync("session", "show", id)).Stdout, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The whole rollout (turns 1–3) and the partial one (turns 2–3) imported, then synced in the order of their
    /// workspace ids: the greater origin wins a tie, so the copy synced first loses its tool calls to the other's
    /// afterwards, and its next sync reports that (README, "Reading the team's sessions back") unless a pull took the
    /// winners. Returns the session's id and the workspaces in the order they synced.
    /// </summary>
    private async Task<(string Id, CliWorkspace[] Order)> SyncBothAsync()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _whole.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _partial.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _whole.RunOkAsync("import", "codex", Write(_whole, 1, 3));
        await _partial.RunOkAsync("import", "codex", Write(_partial, 2, 3));
        CliWorkspace[] order = string.CompareOrdinal(await WorkspaceId(_whole), await WorkspaceId(_partial)) < 0 ? [_whole, _partial] : [_partial, _whole];
        await order[0].RunOkAsync("db", "sync");
        await order[1].RunOkAsync("db", "sync");
        string id = Assert.Single(await _whole.SessionIdsAsync());
        Assert.Equal([id], await _partial.SessionIdsAsync());
        return (id, order);
    }

    private static async Task<string> WorkspaceId(CliWorkspace workspace)
        => (await workspace.JsonAsync("db", "status")).GetProperty("workspaceId").GetString()!;

    public void Dispose()
    {
        _whole.Dispose();
        _partial.Dispose();
    }

    /// <summary>The session's rows other than its events (whose place in a log may differ), by id, as exported.</summary>
    private static async Task<IReadOnlyList<string>> RowsAsync(CliWorkspace workspace, string id, params string[] from)
    {
        string file = Path.Combine(workspace.Root, "rows.jsonl");
        await workspace.RunOkAsync(["session", "export", id, "-o", file, "--force", .. from]);
        return [.. File.ReadAllLines(file)
            .Where(line => !line.StartsWith("{\"entity\":\"SessionEvent\"", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>A Codex rollout of turns <paramref name="first"/> to <paramref name="last"/>: each a prompt, a shell call and its output.</summary>
    private static string Write(CliWorkspace workspace, int first, int last)
    {
        string folder = Path.Combine(workspace.Root, "sessions");
        Directory.CreateDirectory(folder);
        var lines = new List<string>
        {
            $$$"""{"timestamp":"2026-12-05T11:00:00.000Z","type":"session_meta","payload":{"id":"{{{SourceId}}}","timestamp":"2026-12-05T11:00:00.000Z","cwd":"/p","originator":"codex_cli_rs","cli_version":"0.46.0","source":"cli"}}""",
        };
        for (int turn = first; turn <= last; turn++)
        {
            string At(int second) => $"2026-12-05T12:{turn:00}:{second:00}.000Z";
            lines.Add($$$"""{"timestamp":"{{{At(0)}}}","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"Codex task {{{turn}}}"}]}}""");
            lines.Add($$$"""{"timestamp":"{{{At(1)}}}","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\": [\"ls\", \"/d{{{turn}}}\"]}","call_id":"call_{{{turn}}}"}}""");
            lines.Add($$$"""{"timestamp":"{{{At(2)}}}","type":"response_item","payload":{"type":"function_call_output","call_id":"call_{{{turn}}}","output":"out{{{turn}}}"}}""");
        }

        File.WriteAllLines(Path.Combine(folder, $"rollout-2026-12-05T11-00-00-{SourceId}.jsonl"), lines);
        return folder;
    }
}

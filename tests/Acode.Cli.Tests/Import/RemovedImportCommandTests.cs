using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// A session imported from a transcript and then removed (<c>session delete</c>, <c>db prune</c>) is not brought back by
/// the next <c>acode import</c> of the same transcript, once or with <c>--watch</c>; <c>--include-removed</c> takes it
/// again (docs/import.md, "A session you removed stays removed").
/// </summary>
public sealed class RemovedImportCommandTests : IDisposable
{
    private const string LiveKey = "33333333-3333-4333-8444-555555555555";
    private const string MarkerKey = "44444444-4444-4444-8444-555555555555";

    private static readonly string[] Turn =
    [
        """{"type":"user","uuid":"u1","parentUuid":null,"cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:00Z","message":{"role":"user","content":"run the tests"}}""",
        """{"type":"assistant","uuid":"a1","parentUuid":"u1","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:02Z","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"text","text":"All green."}],"stop_reason":"end_turn"}}""",
    ];

    private readonly CliWorkspace _workspace = new();

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public async Task A_deleted_session_is_skipped_by_the_next_import_until_include_removed_takes_it_again(string agent)
    {
        string folder = agent == "codex" ? TranscriptFixtures.CodexFolder : TranscriptFixtures.ClaudeFolder;
        string id = (await _workspace.JsonAsync("import", agent, folder)).GetProperty("files")[0].GetProperty("sessionId").GetString()!;
        await _workspace.RunOkAsync("session", "delete", id, "--yes");

        JsonElement again = await _workspace.JsonAsync("import", agent, folder);

        Assert.Empty(await _workspace.SessionIdsAsync());
        Assert.Equal(1, again.GetProperty("totals").GetProperty("skippedRemoved").GetInt32());
        Assert.Equal(0, again.GetProperty("totals").GetProperty("rows").GetProperty("inserted").GetInt32());
        JsonElement skipped = again.GetProperty("skippedRemoved").EnumerateArray().Single();
        Assert.Equal(id, skipped.GetProperty("sessionId").GetString());
        Assert.Equal("session delete", skipped.GetProperty("reason").GetString());
        Assert.Equal("skipped 1 session(s) removed earlier (session delete); add --include-removed to import them again", again.GetProperty("note").GetString());
        AcodeResult human = await _workspace.RunOkAsync("import", agent, folder);
        Assert.Contains("Skipped 1 session(s) removed earlier (session delete); add --include-removed to import them again.", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("Imported 0 transcript(s) into 0 session(s): 0 rows new, 0 updated, 0 already present; 0 problem(s) in the input.", human.Stdout, StringComparison.Ordinal); // the totals, as docs/import.md shows them
        Assert.Empty(await _workspace.SessionIdsAsync());

        JsonElement included = await _workspace.JsonAsync("import", agent, folder, "--include-removed");

        Assert.True(included.GetProperty("totals").GetProperty("rows").GetProperty("inserted").GetInt32() > 0);
        Assert.Equal(0, included.GetProperty("totals").GetProperty("skippedRemoved").GetInt32());
        Assert.Equal([id], await _workspace.SessionIdsAsync());
        // Taken again, it is forgotten: the next import is an ordinary re-import that changes nothing.
        JsonElement afterwards = await _workspace.JsonAsync("import", agent, folder);
        Assert.Equal(0, afterwards.GetProperty("totals").GetProperty("skippedRemoved").GetInt32());
        Assert.Equal(0, afterwards.GetProperty("totals").GetProperty("rows").GetProperty("inserted").GetInt32() + afterwards.GetProperty("totals").GetProperty("rows").GetProperty("updated").GetInt32());
    }

    /// <summary>
    /// A session imported and deleted before schema 1.9.0: the upgraded workspace holds the deletion's outbox record
    /// (Session, Delete), older than its migration 1.9.0, and no <c>removed_imports</c> row; the test makes that state by
    /// removing the row the deletion wrote and dating its record a day before the migration.
    /// </summary>
    [Fact]
    public async Task A_session_deleted_before_1_9_0_stays_removed_while_the_outbox_holds_its_deletion_record()
    {
        string id = (await _workspace.JsonAsync("import", "codex", TranscriptFixtures.CodexFolder)).GetProperty("files")[0].GetProperty("sessionId").GetString()!;
        await _workspace.RunOkAsync("session", "delete", id, "--yes");
        Execute("DELETE FROM removed_imports;");
        Execute("UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%S.0000000Z', (SELECT applied_at FROM schema_version WHERE version = '1.9.0'), '-1 day') WHERE entity_id = $id AND operation = 'Delete';", id);
        Assert.Equal(1L, Scalar("SELECT count(*) FROM outbox WHERE entity_id = $id AND entity_type = 'Session' AND operation = 'Delete';", id));

        JsonElement again = await _workspace.JsonAsync("import", "codex", TranscriptFixtures.CodexFolder);

        Assert.Empty(await _workspace.SessionIdsAsync());
        Assert.Equal(0, again.GetProperty("totals").GetProperty("rows").GetProperty("inserted").GetInt32());
        JsonElement skipped = again.GetProperty("skippedRemoved").EnumerateArray().Single();
        Assert.Equal(id, skipped.GetProperty("sessionId").GetString());
        Assert.Equal("deleted", skipped.GetProperty("reason").GetString());

        // Delivered, the record still counts until the outbox retention prunes it.
        Execute("UPDATE outbox SET status = 'Processed', processed_at = updated_at;");
        AcodeResult human = await _workspace.RunOkAsync("import", "codex", TranscriptFixtures.CodexFolder);
        Assert.Contains("Skipped 1 session(s) removed earlier (deleted); add --include-removed to import them again.", human.Stdout, StringComparison.Ordinal);
        Assert.Empty(await _workspace.SessionIdsAsync());

        // Asked for, it is imported again; from then on it exists, and imports as usual.
        JsonElement included = await _workspace.JsonAsync("import", "codex", TranscriptFixtures.CodexFolder, "--include-removed");
        Assert.True(included.GetProperty("totals").GetProperty("rows").GetProperty("inserted").GetInt32() > 0);
        Assert.Equal([id], await _workspace.SessionIdsAsync());
        JsonElement afterwards = await _workspace.JsonAsync("import", "codex", TranscriptFixtures.CodexFolder);
        Assert.Equal(0, afterwards.GetProperty("totals").GetProperty("skippedRemoved").GetInt32());
        Assert.Equal(0, afterwards.GetProperty("totals").GetProperty("rows").GetProperty("inserted").GetInt32());
    }

    [Fact]
    public async Task A_pruned_session_stays_pruned_and_a_session_never_removed_imports_as_before()
    {
        await _workspace.RunOkAsync("import", "codex", TranscriptFixtures.CodexFolder);
        JsonElement pruned = await _workspace.JsonAsync("db", "prune", "--older-than", "1d", "--yes");
        Assert.Single(pruned.GetProperty("removed").EnumerateArray());

        // The Claude Code transcript was never imported here: it is imported as usual beside the skipped rollout.
        JsonElement codex = await _workspace.JsonAsync("import", "codex", TranscriptFixtures.CodexFolder);
        JsonElement claude = await _workspace.JsonAsync("import", "claude-code", TranscriptFixtures.ClaudeFolder);

        Assert.Equal("db prune", codex.GetProperty("skippedRemoved")[0].GetProperty("reason").GetString());
        Assert.Equal(0, claude.GetProperty("totals").GetProperty("skippedRemoved").GetInt32());
        Assert.Equal(JsonValueKind.Null, claude.GetProperty("note").ValueKind);
        Assert.Single(await _workspace.SessionIdsAsync());
    }

    [Fact]
    public async Task Watch_says_once_per_file_that_it_skips_a_deleted_session_and_does_not_bring_it_back()
    {
        string folder = Path.Combine(_workspace.Root, "live");
        Directory.CreateDirectory(folder);
        string live = Path.Combine(folder, LiveKey + ".jsonl");
        await File.WriteAllLinesAsync(live, Turn);
        using Process watch = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "import", "claude-code", folder, "--watch");
        var lines = new ConcurrentQueue<string>();
        Task reading = Task.Run(async () =>
        {
            while (await watch.StandardOutput.ReadLineAsync() is { } line)
            {
                lines.Enqueue(line);
            }
        });
        try
        {
            string id = (await WaitForSessionsAsync(1)).Single();
            await _workspace.RunOkAsync("session", "delete", id, "--yes");

            // The transcript grows twice after the deletion; a second transcript tells when the watcher has read past both.
            await File.AppendAllTextAsync(live, Prompt("u2", "2026-11-30T11:05:00Z", "and the linter") + "\n");
            await WaitForLineAsync(lines, "skipped ");
            await File.AppendAllTextAsync(live, Prompt("u3", "2026-11-30T11:06:00Z", "and the docs") + "\n");
            await File.WriteAllLinesAsync(Path.Combine(folder, MarkerKey + ".jsonl"), Turn);
            Assert.DoesNotContain(id, await WaitForSessionsAsync(1));
        }
        finally
        {
            await ProcessInterrupt.SendAndWaitAsync(watch);
            await reading;
        }

        Assert.Equal(0, watch.ExitCode);
        // The console may wrap a long line: the message is read from the whole output, once.
        string output = string.Join(' ', lines);
        Assert.Single(lines, l => l.Contains(" skipped ", StringComparison.Ordinal));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, "was removed earlier"));
        Assert.Contains(live, output, StringComparison.Ordinal);
        Assert.Contains("was removed earlier (session delete", output, StringComparison.Ordinal);
        Assert.Contains("add --include-removed to import it again", output, StringComparison.Ordinal);
    }

    private static string Prompt(string uuid, string time, string text)
        => $$$"""{"type":"user","uuid":"{{{uuid}}}","parentUuid":"a1","cwd":"/w","version":"2.0.30","timestamp":"{{{time}}}","message":{"role":"user","content":"{{{text}}}"}}""";

    private async Task<IReadOnlyList<string>> WaitForSessionsAsync(int count)
    {
        for (int attempt = 0; attempt < 600; attempt++)
        {
            if (File.Exists(_workspace.DatabasePath) && await _workspace.SessionIdsAsync() is { } ids && ids.Count == count)
            {
                return ids;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"acode import --watch did not record {count} session(s) within two minutes.");
    }

    private static async Task WaitForLineAsync(ConcurrentQueue<string> lines, string text)
    {
        for (int attempt = 0; attempt < 600 && !lines.Any(l => l.Contains(text, StringComparison.Ordinal)); attempt++)
        {
            await Task.Delay(200);
        }

        Assert.Contains(lines, l => l.Contains(text, StringComparison.Ordinal));
    }

    private long Scalar(string sql, string id)
    {
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        return (long)command.ExecuteScalar()!;
    }

    private void Execute(string sql, string? id = null)
    {
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        if (id is not null)
        {
            command.Parameters.AddWithValue("$id", id);
        }

        command.ExecuteNonQuery();
    }

    public void Dispose() => _workspace.Dispose();
}

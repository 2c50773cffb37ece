using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>session pull</c> compares content at equal stamps (trial AC), and a row whose stored form differs from
/// PostgreSQL's only as the two stores keep text is PostgreSQL's version all the same: redacted here by rules the writer
/// did not have (docs/secrets.md), or holding a NUL, which PostgreSQL keeps as U+FFFD. One pull, and the next says
/// "already up to date"; the workspace that wrote the row keeps it as it is.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PulledStoredFormTests(PostgresFixture fixture) : IDisposable
{
    private static readonly string Token = "gh" + "p_" + "R8x2Kq9ZLmN4vB7cT1wY5uE3oP6sD0fGhJ2a";

    private readonly CliWorkspace _writer = new();
    private readonly CliWorkspace _reader = new();

    [Fact]
    public async Task A_row_redacted_only_here_is_up_to_date_after_one_pull()
    {
        string id = await SyncedByWriterWithoutRedactionAsync(await fixture.CreateDatabaseAsync(), "019a2d7a-41c4-78b1-b7cc-a45d62a89ce1");

        await _reader.RunOkAsync("session", "pull", id);
        AcodeResult again = await _reader.RunOkAsync("session", "pull", id);
        AcodeResult shown = await _reader.RunOkAsync("session", "show", id, "--full");

        Assert.Contains("already up to date", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:github-token]", shown.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, shown.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pull_that_redacts_its_copy_leaves_nothing_pending_and_PostgreSQL_as_it_was()
    {
        // Trial BB F2: the pull's secrets.redacted event went to the outbox, so the pull left a change pending, 'delete
        // --local' refused ("the only complete copy"), and the sync told PostgreSQL of a redaction it never had.
        string connectionString = await fixture.CreateDatabaseAsync();
        string id = await SyncedByWriterWithoutRedactionAsync(connectionString, "019a2d7a-41c4-78b1-b7cc-a45d62a89ce2");

        await _reader.RunOkAsync("session", "pull", id);

        System.Text.Json.JsonElement status = await _reader.JsonAsync("db", "status");
        Assert.Equal(0, status.GetProperty("outbox").GetProperty("pending").GetInt64());
        Assert.Equal(1, status.GetProperty("secretsRedacted").GetInt64()); // counted in this workspace's total
        Assert.Contains("[REDACTED:github-token]", (await _reader.RunOkAsync("session", "show", id, "--full")).Stdout, StringComparison.Ordinal);
        Assert.Contains("already up to date", (await _reader.RunOkAsync("session", "pull", id)).Stdout, StringComparison.Ordinal);
        await _reader.RunOkAsync("db", "sync");
        Assert.Equal(0, await PostgresSql.CountAsync(connectionString, "SELECT count(*) FROM session_events WHERE type = 'secrets.redacted'"));
        await _reader.RunOkAsync("session", "delete", id, "--local", "--yes");
    }

    [Fact]
    public async Task A_row_holding_a_NUL_is_up_to_date_in_the_workspace_that_wrote_it()
    {
        _writer.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        await _writer.RunOkAsync("demo");
        string id = Assert.Single(await _writer.SessionIdsAsync());
        string export = Path.Combine(_writer.Root, "export.jsonl");
        await _writer.RunOkAsync("session", "export", id, "-o", export);
        var lines = new List<string>();
        bool edited = false;
        foreach (string line in await File.ReadAllLinesAsync(export))
        {
            System.Text.Json.Nodes.JsonNode node = System.Text.Json.Nodes.JsonNode.Parse(line)!;
            if (!edited && node["entity"]!.GetValue<string>() == "ToolCall" && node["result"] is not null)
            {
                node["result"] = "before\0after";
                node["version"] = node["version"]!.GetValue<long>() + 1;
                node["updatedAt"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
                edited = true;
            }

            lines.Add(node.ToJsonString());
        }

        await File.WriteAllLinesAsync(export, lines);
        await _writer.RunOkAsync("session", "import", export);
        await _writer.RunOkAsync("db", "sync");

        AcodeResult pull = await _writer.RunOkAsync("session", "pull", id);

        Assert.True(edited);
        Assert.Contains("already up to date", pull.Stdout, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _reader.Dispose();
    }

    /// <summary>
    /// Points both workspaces at the database, imports a Codex rollout holding <see cref="Token"/> into the writer with its
    /// redaction off and syncs it; returns the session's id.
    /// </summary>
    private async Task<string> SyncedByWriterWithoutRedactionAsync(string connectionString, string source)
    {
        string url = PostgresServer.ToUrl(connectionString);
        _writer.Environment["ACODE_POSTGRES_URL"] = url;
        _writer.Environment["ACODE_PERSISTENCE__REDACTION__ENABLED"] = "false";
        _reader.Environment["ACODE_POSTGRES_URL"] = url;
        await _writer.RunOkAsync("import", "codex", Write(_writer, source, $"GITHUB_TOKEN={Token}"));
        await _writer.RunOkAsync("db", "sync");
        return Assert.Single(await _writer.SessionIdsAsync());
    }

    /// <summary>A Codex rollout of one turn whose shell call printed <paramref name="output"/> (JSON string content, escapes allowed).</summary>
    private static string Write(CliWorkspace workspace, string source, string output)
    {
        string folder = Path.Combine(workspace.Root, "sessions");
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, $"rollout-2026-12-05T11-00-00-{source}.jsonl"),
        [
            $$$"""{"timestamp":"2026-12-05T11:00:00.000Z","type":"session_meta","payload":{"id":"{{{source}}}","timestamp":"2026-12-05T11:00:00.000Z","cwd":"/p","originator":"codex_cli_rs","cli_version":"0.46.0","source":"cli"}}""",
            """{"timestamp":"2026-12-05T11:00:01.000Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"print it"}]}}""",
            """{"timestamp":"2026-12-05T11:00:02.000Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\": [\"cat\", \"it\"]}","call_id":"call_1"}}""",
            $$$"""{"timestamp":"2026-12-05T11:00:03.000Z","type":"response_item","payload":{"type":"function_call_output","call_id":"call_1","output":"{{{output}}}"}}""",
        ]);
        return folder;
    }
}

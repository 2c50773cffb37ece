using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>session pull</c> into a workspace whose redaction rules replace what the writer's kept: the pulled row is stored
/// redacted here (docs/secrets.md), and it is PostgreSQL's version all the same, so a second pull changes nothing
/// (the pull compares content at equal stamps since trial AC, and compares PostgreSQL's version as this workspace
/// stores it).
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SessionPullRedactionTests(PostgresFixture fixture) : IDisposable
{
    private static readonly string Token = "gh" + "p_" + "R8x2Kq9ZLmN4vB7cT1wY5uE3oP6sD0fGhJ2a";

    private readonly CliWorkspace _writer = new();
    private readonly CliWorkspace _reader = new();

    [Fact]
    public async Task A_row_redacted_only_here_is_up_to_date_after_one_pull()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _writer.Environment["ACODE_POSTGRES_URL"] = url;
        _writer.Environment["ACODE_PERSISTENCE__REDACTION__ENABLED"] = "false";
        _reader.Environment["ACODE_POSTGRES_URL"] = url;
        string folder = Path.Combine(_writer.Root, "sessions");
        Directory.CreateDirectory(folder);
        const string Source = "019a2d7a-41c4-78b1-b7cc-a45d62a89ce1";
        File.WriteAllLines(Path.Combine(folder, $"rollout-2026-12-05T11-00-00-{Source}.jsonl"),
        [
            $$$"""{"timestamp":"2026-12-05T11:00:00.000Z","type":"session_meta","payload":{"id":"{{{Source}}}","timestamp":"2026-12-05T11:00:00.000Z","cwd":"/p","originator":"codex_cli_rs","cli_version":"0.46.0","source":"cli"}}""",
            """{"timestamp":"2026-12-05T11:00:01.000Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"print the token"}]}}""",
            """{"timestamp":"2026-12-05T11:00:02.000Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\": [\"cat\", \"token\"]}","call_id":"call_1"}}""",
            $$$"""{"timestamp":"2026-12-05T11:00:03.000Z","type":"response_item","payload":{"type":"function_call_output","call_id":"call_1","output":"GITHUB_TOKEN={{{Token}}}"}}""",
        ]);
        await _writer.RunOkAsync("import", "codex", folder);
        await _writer.RunOkAsync("db", "sync");
        string id = Assert.Single(await _writer.SessionIdsAsync());

        await _reader.RunOkAsync("session", "pull", id);
        AcodeResult again = await _reader.RunOkAsync("session", "pull", id);
        AcodeResult shown = await _reader.RunOkAsync("session", "show", id, "--full");

        Assert.Contains("already up to date", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:github-token]", shown.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, shown.Stdout, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _reader.Dispose();
    }
}

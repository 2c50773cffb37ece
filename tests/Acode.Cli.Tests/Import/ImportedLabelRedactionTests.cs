using System.Text;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Npgsql;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// A transcript whose prompt holds a token and a password, imported through the real binary: the importers make the
/// session's title and goal, the task's title and description and the step's title out of that text, and none of them
/// may hold the secret (docs/secrets.md) — not the list, show, search, export, the workspace file, nor PostgreSQL after
/// <c>db sync</c>. Re-importing the unchanged transcript still writes nothing.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ImportedLabelRedactionTests(PostgresFixture fixture) : IDisposable
{
    private const string SessionKey = "11111111-2222-4333-8444-555555555555";
    private const string Password = "hunter2xyzQ";

    // Assembled at run time so the source holds no token a scanner would flag.
    private static readonly string Token = "gh" + "p_" + "R8x2Kq9ZLmN4vB7cT1wY5uE3oP6sD0fGhJ2a";

    private readonly CliWorkspace _workspace = new();

    private static string ClaudeLines => $$$"""
        {"type":"user","uuid":"u1","parentUuid":null,"sessionId":"{{{SessionKey}}}","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:00Z","message":{"role":"user","content":"deploy with GITHUB_TOKEN={{{Token}}} and postgres://app:{{{Password}}}@db:5432/x"}}
        {"type":"assistant","uuid":"a1","parentUuid":"u1","sessionId":"{{{SessionKey}}}","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:01Z","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"text","text":"Your token {{{Token}}} works."}]}}

        """;

    private static string CodexLines => $$$"""
        {"timestamp":"2026-11-30T11:00:00.000Z","type":"session_meta","payload":{"id":"{{{SessionKey}}}","timestamp":"2026-11-30T11:00:00.000Z","cwd":"/w","originator":"codex_cli_rs","cli_version":"0.46.0","source":"cli"}}
        {"timestamp":"2026-11-30T11:00:01.000Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"deploy with GITHUB_TOKEN={{{Token}}} and postgres://app:{{{Password}}}@db:5432/x"}]}}
        {"timestamp":"2026-11-30T11:00:02.000Z","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Your token {{{Token}}} works."}]}}

        """;

    [Fact]
    public async Task A_secret_in_the_prompt_is_listed_shown_searched_exported_stored_and_synced_only_as_its_marker()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        string folder = await WriteTranscriptAsync("claude-code");
        var outputs = new List<AcodeResult> { await _workspace.RunOkAsync("import", "claude-code", folder) };
        string id = Assert.Single(await _workspace.SessionIdsAsync());

        AcodeResult list = await _workspace.RunOkAsync("session", "list");
        JsonElement listed = await _workspace.JsonAsync("session", "list");
        AcodeResult show = await _workspace.RunOkAsync("session", "show", id, "--events", "--full");
        AcodeResult export = await _workspace.RunOkAsync("session", "export", id);
        AcodeResult searchPassword = await _workspace.RunOkAsync("session", "search", Password);
        AcodeResult searchToken = await _workspace.RunOkAsync("session", "search", Token[4..]);
        AcodeResult searchMarker = await _workspace.RunOkAsync("session", "search", "REDACTED");
        // The searches for the secrets echo their query: they are checked for having no hit, not for the text.
        outputs.AddRange([list, show, export, searchMarker, await _workspace.RunOkAsync("db", "sync")]);

        Assert.Equal("deploy with GITHUB_TOKEN=[REDACTED:github-token] and…", listed.GetProperty("items")[0].GetProperty("title").GetString());
        Assert.Contains("[REDACTED:github-token]", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("goal: deploy with GITHUB_TOKEN=[REDACTED:github-token] and postgres://app:[REDACTED:url-password]@db:5432/x", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("Step 1.1 Your token [REDACTED:github-token] works.", show.Stdout, StringComparison.Ordinal);

        // Goal, task description and the assistant's event: 3 tokens, 2 passwords. The titles are cut from text the importer
        // redacted whole first (so no cut keeps part of a secret): the store finds only markers there, and counts each
        // secret where it stores the whole text.
        Assert.Contains("Secrets redacted: 5", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("""{"count":5,"kinds":{"github-token":3,"url-password":2}}""", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("No hits", searchPassword.Stdout, StringComparison.Ordinal);
        Assert.Contains("No hits", searchToken.Stdout, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:url-password]", searchMarker.Stdout, StringComparison.Ordinal);
        for (int i = 0; i < outputs.Count; i++)
        {
            AssertNoSecret($"the output of acode run {i + 1}", outputs[i].Stdout + outputs[i].Stderr);
        }

        AssertNoSecret("workspace.db", Encoding.UTF8.GetString(await File.ReadAllBytesAsync(_workspace.DatabasePath)));
        if (File.Exists(_workspace.DatabasePath + "-wal"))
        {
            AssertNoSecret("workspace.db-wal", Encoding.UTF8.GetString(await File.ReadAllBytesAsync(_workspace.DatabasePath + "-wal")));
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT title || E'\\n' || goal || E'\\n' || document::text FROM sessions WHERE id = $1", connection) { Parameters = { new() { Value = id } } };
        string row = (string)(await command.ExecuteScalarAsync())!;
        Assert.Contains("postgres://app:[REDACTED:url-password]@db:5432/x", row, StringComparison.Ordinal);
        AssertNoSecret("PostgreSQL's sessions row", row);
        await using var labels = new NpgsqlCommand(
            "SELECT string_agg(title || ' ' || coalesce(description, ''), E'\\n') FROM (SELECT title, description FROM session_tasks UNION ALL SELECT title, description FROM steps) t", connection);
        string mirrored = (string)(await labels.ExecuteScalarAsync())!;
        Assert.Contains("[REDACTED:github-token]", mirrored, StringComparison.Ordinal);
        AssertNoSecret("PostgreSQL's task and step rows", mirrored);
    }

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public async Task Importing_a_transcript_with_a_secret_in_its_prompt_twice_writes_nothing_the_second_time(string agent)
    {
        string folder = await WriteTranscriptAsync(agent);
        await _workspace.RunOkAsync("import", agent, folder);
        JsonElement before = await _workspace.JsonAsync("db", "status");

        AcodeResult again = await _workspace.RunOkAsync("import", agent, folder);

        Assert.Contains("0 rows new, 0 updated", again.Stdout, StringComparison.Ordinal);
        JsonElement after = await _workspace.JsonAsync("db", "status");
        Assert.Equal(before.GetProperty("rows").ToString(), after.GetProperty("rows").ToString());
        Assert.Equal(before.GetProperty("secretsRedacted").GetInt64(), after.GetProperty("secretsRedacted").GetInt64());
        string id = Assert.Single(await _workspace.SessionIdsAsync());
        string title = (await _workspace.JsonAsync("session", "list")).GetProperty("items")[0].GetProperty("title").GetString()!;
        Assert.Contains("[REDACTED:github-token]", title, StringComparison.Ordinal);
        AssertNoSecret("the export", (await _workspace.RunOkAsync("session", "export", id)).Stdout);
    }

    /// <summary>
    /// The reported leak: a prompt that starts with a URL longer than the title, whose password runs across the cut. Cut
    /// first, the title kept 34 of the password's 40 characters (without its <c>@host</c> the URL no longer matched the
    /// url-password rule); redacted first, the title, the task's title, the export, the search and PostgreSQL hold none.
    /// </summary>
    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public async Task A_password_across_the_title_s_cut_leaves_no_piece_in_any_label(string agent)
    {
        const string LongPassword = "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbNm";
        string prompt = $"postgres://averyveryverylongusernameforthedb:{LongPassword}@db.internal:5432/app fails to connect";
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        string folder = Path.Combine(_workspace.Root, "transcripts");
        Directory.CreateDirectory(folder);
        const string Key = "12345670-0000-4000-8000-000000000000";
        string prompted = JsonSerializer.Serialize(prompt);
        string lines = agent == "codex"
            ? $$$"""
              {"timestamp":"2026-11-20T10:00:00.000Z","type":"session_meta","payload":{"id":"{{{Key}}}","timestamp":"2026-11-20T10:00:00.000Z","cwd":"/p","originator":"codex_cli_rs","cli_version":"0.46.0","source":"cli"}}
              {"timestamp":"2026-11-20T10:00:01.000Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":{{{prompted}}}}]}}
              {"timestamp":"2026-11-20T10:00:02.000Z","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"ok"}]}}

              """
            : $$$"""
              {"type":"user","uuid":"u1","parentUuid":null,"sessionId":"{{{Key}}}","timestamp":"2026-11-20T10:00:00.000Z","cwd":"/p","version":"2.0.14","message":{"role":"user","content":{{{prompted}}}}}
              {"type":"assistant","uuid":"u2","parentUuid":"u1","sessionId":"{{{Key}}}","timestamp":"2026-11-20T10:00:01.000Z","cwd":"/p","version":"2.0.14","message":{"id":"msg_1","role":"assistant","model":"m","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn"}}

              """;
        string name = agent == "codex" ? $"rollout-2026-11-20T10-00-00-{Key}.jsonl" : $"{Key}.jsonl";
        await File.WriteAllTextAsync(Path.Combine(folder, name), lines);

        var outputs = new List<AcodeResult> { await _workspace.RunOkAsync("import", agent, folder) };
        string id = Assert.Single(await _workspace.SessionIdsAsync());
        JsonElement listed = await _workspace.JsonAsync("session", "list");
        AcodeResult export = await _workspace.RunOkAsync("session", "export", "--all");
        outputs.AddRange([await _workspace.RunOkAsync("session", "list"), export, await _workspace.RunOkAsync("session", "show", id), await _workspace.RunOkAsync("db", "sync")]);

        string title = listed.GetProperty("items")[0].GetProperty("title").GetString()!;
        Assert.StartsWith("postgres://averyveryverylongusernameforthedb:[REDACTED:url-password]@db", title, StringComparison.Ordinal);
        string exportText = export.Stdout;
        Assert.Contains("[REDACTED:url-password]", exportText, StringComparison.Ordinal);
        foreach (string piece in Pieces(LongPassword))
        {
            Assert.False(title.Contains(piece, StringComparison.Ordinal), $"the title holds '{piece}'");
            for (int i = 0; i < outputs.Count; i++)
            {
                Assert.False((outputs[i].Stdout + outputs[i].Stderr).Contains(piece, StringComparison.Ordinal), $"the output of acode run {i + 1} holds '{piece}'");
            }
        }

        foreach (string query in new[] { LongPassword[..12], LongPassword[20..32] })
        {
            Assert.Contains("No hits", (await _workspace.RunOkAsync("session", "search", query)).Stdout, StringComparison.Ordinal);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT s.title || E'\\n' || s.document::text || E'\\n' || string_agg(t.title || ' ' || t.document::text, E'\\n') FROM sessions s JOIN session_tasks t ON t.session_id = s.id WHERE s.id = $1 GROUP BY s.id",
            connection) { Parameters = { new() { Value = id } } };
        string rows = (string)(await command.ExecuteScalarAsync())!;
        Assert.Contains("[REDACTED:url-password]", rows, StringComparison.Ordinal);
        Assert.DoesNotContain(Pieces(LongPassword), p => rows.Contains(p, StringComparison.Ordinal));
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>Every run of 6 characters of <paramref name="secret"/>: none may be kept anywhere.</summary>
    private static IEnumerable<string> Pieces(string secret) => Enumerable.Range(0, secret.Length - 5).Select(i => secret.Substring(i, 6));

    private static void AssertNoSecret(string where, string text)
    {
        Assert.False(text.Contains(Token[4..], StringComparison.Ordinal), $"{where} holds the token");
        Assert.False(text.Contains(Password, StringComparison.Ordinal), $"{where} holds the password");
    }

    /// <summary>The repro transcript in a folder of its own, named as the agent names its files.</summary>
    private async Task<string> WriteTranscriptAsync(string agent)
    {
        string folder = Path.Combine(_workspace.Root, "transcripts");
        Directory.CreateDirectory(folder);
        string name = agent == "codex" ? $"rollout-2026-11-30T11-00-00-{SessionKey}.jsonl" : $"{SessionKey}.jsonl";
        await File.WriteAllTextAsync(Path.Combine(folder, name), agent == "codex" ? CodexLines : ClaudeLines);
        return folder;
    }
}

using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// One transcript continued on two machines (two copies sharing their first records), each imported into its own
/// workspace and synced, through the real binary and a real PostgreSQL: the later one wins there; after the other
/// workspace pulls it, importing that workspace's unchanged copy again writes nothing, so the team's newer version is not
/// overwritten by the older one (trial Y: it was, without a conflict, because the import compared the copies' version
/// numbers); a copy grown later in time than the team's version is imported and synced as usual
/// (docs/architecture.md, "A transcript imported over the team's version").
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class TranscriptOverPulledVersionTests(PostgresFixture fixture) : IDisposable
{
    private const string ClaudeName = "eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee.jsonl";
    private const string CodexName = "rollout-2026-11-20T10-00-00-0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee.jsonl";

    private readonly CliWorkspace _first = new();
    private readonly CliWorkspace _second = new();

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public async Task Importing_an_unchanged_copy_again_after_a_pull_of_the_later_copy_keeps_the_team_version(string agent)
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _first.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _second.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        string[] shared = [Line(agent, "u1", null, "10:00:00", "user", "hi"), Line(agent, "a1", "u1", "10:00:01", "assistant", "hello")];

        // The first copy has two more turns (more versions of the session), all before the second copy's new prompt.
        string first = Write(_first, agent, [.. shared,
            Line(agent, "u2", "a1", "10:01:00", "user", "again"), Line(agent, "a2", "u2", "10:01:01", "assistant", "done"),
            Line(agent, "u3", "a2", "10:02:00", "user", "once more"), Line(agent, "a3", "u3", "10:02:01", "assistant", "done again")]);
        Write(_second, agent, [.. shared, Line(agent, "u9", "a1", "10:09:00", "user", "now deploy it")]);

        await _first.RunOkAsync("import", agent, first);
        await _first.RunOkAsync("db", "sync");
        await _second.RunOkAsync("import", agent, Path.Combine(_second.Root, "t"));
        await _second.RunOkAsync("db", "sync");
        string id = Assert.Single(await _first.SessionIdsAsync());
        (long version, string updatedAt) team = await SessionAsync(_first, id, remote: true);
        Assert.StartsWith("2026-11-20T10:09:00", team.updatedAt, StringComparison.Ordinal);
        await _first.RunOkAsync("session", "pull", id);

        AcodeResult again = await _first.RunOkAsync("import", agent, first, "--json");
        long pending = (await _first.JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64();
        AcodeResult sync = await _first.RunOkAsync("db", "sync");

        Assert.Equal(0, Updated(again));
        Assert.Equal(0, pending);
        Assert.Equal(team, await SessionAsync(_first, id, remote: false));
        Assert.Equal(team, await SessionAsync(_first, id, remote: true));
        Assert.Contains("0 conflict(s)", sync.Stdout, StringComparison.Ordinal);

        // Grown past the team's version in time, the first copy is imported over it and synced as its continuation.
        File.AppendAllLines(first, [Line(agent, "u4", "a3", "10:12:00", "user", "and after that")]);
        AcodeResult grown = await _first.RunOkAsync("import", agent, first, "--json");
        AcodeResult next = await _first.RunOkAsync("db", "sync");

        Assert.Equal(1, Updated(grown));
        Assert.Contains("0 conflict(s)", next.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("2026-11-20T10:12:00", (await SessionAsync(_first, id, remote: true)).UpdatedAt, StringComparison.Ordinal);
        Assert.Equal(1L, await PostgresSql.CountAsync(connectionString, "SELECT count(*) FROM sync_conflicts WHERE session_id = $1", id)); // the copies' first round
    }

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public async Task A_copy_grown_after_a_pull_of_a_copy_with_more_versions_is_imported_though_it_numbers_fewer(string agent)
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _first.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _second.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        string[] shared = [Line(agent, "u1", null, "10:00:00", "user", "hi"), Line(agent, "a1", "u1", "10:00:01", "assistant", "hello")];
        Write(_first, agent, [.. shared,
            Line(agent, "u2", "a1", "10:20:00", "user", "again"), Line(agent, "a2", "u2", "10:20:01", "assistant", "done"),
            Line(agent, "u3", "a2", "10:21:00", "user", "once more"), Line(agent, "a3", "u3", "10:21:01", "assistant", "done again")]);
        string second = Write(_second, agent, [.. shared, Line(agent, "u9", "a1", "10:09:00", "user", "now deploy it")]);
        await _first.RunOkAsync("import", agent, Path.Combine(_first.Root, "t"));
        await _first.RunOkAsync("db", "sync");
        await _second.RunOkAsync("import", agent, second);
        await _second.RunOkAsync("db", "sync");
        string id = Assert.Single(await _second.SessionIdsAsync());
        await _second.RunOkAsync("session", "pull", id);
        Assert.Equal(await SessionAsync(_first, id, remote: false), await SessionAsync(_second, id, remote: false));

        // The second copy goes on after the first copy's last record: its version is the later one, whatever its number.
        File.AppendAllLines(second, [Line(agent, "a9", "u9", "10:30:00", "assistant", "deployed")]);
        AcodeResult grown = await _second.RunOkAsync("import", agent, second, "--json");
        AcodeResult sync = await _second.RunOkAsync("db", "sync");

        Assert.NotEqual(0, Updated(grown)); // the session and the task the new answer completes
        Assert.Contains("0 conflict(s)", sync.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("2026-11-20T10:30:00", (await SessionAsync(_second, id, remote: true)).UpdatedAt, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }

    private static string Write(CliWorkspace workspace, string agent, string[] lines)
    {
        string file = Path.Combine(workspace.Root, "t", agent == "codex" ? CodexName : ClaudeName);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file, lines);
        return file;
    }

    private static string Line(string agent, string uuid, string? parent, string time, string role, string text)
    {
        if (agent == "codex")
        {
            string kind = role == "user" ? "input_text" : "output_text";
            return $$$"""{"timestamp":"2026-11-20T{{{time}}}.000Z","type":"response_item","payload":{"type":"message","role":"{{{role}}}","content":[{"type":"{{{kind}}}","text":"{{{text}}}"}]}}""";
        }

        string parentField = parent is null ? "" : $$$""","parentUuid":"{{{parent}}}" """.TrimEnd();
        return role == "user"
            ? $$$"""{"type":"user","uuid":"{{{uuid}}}"{{{parentField}}},"sessionId":"s","timestamp":"2026-11-20T{{{time}}}Z","cwd":"/p","message":{"role":"user","content":"{{{text}}}"}}"""
            : $$$"""{"type":"assistant","uuid":"{{{uuid}}}"{{{parentField}}},"sessionId":"s","timestamp":"2026-11-20T{{{time}}}Z","cwd":"/p","message":{"id":"msg_{{{uuid}}}","role":"assistant","model":"m","content":[{"type":"text","text":"{{{text}}}"}],"stop_reason":"end_turn"}}""";
    }

    private static long Updated(AcodeResult import)
        => JsonDocument.Parse(import.Stdout).RootElement.GetProperty("files")[0].GetProperty("rows").GetProperty("updated").GetInt64();

    private static async Task<(long Version, string UpdatedAt)> SessionAsync(CliWorkspace workspace, string id, bool remote)
    {
        JsonElement shown = await workspace.JsonAsync(remote ? ["session", "show", "--remote", id] : ["session", "show", id]);
        JsonElement session = shown.EnumerateArray().Single(e => e.GetProperty("entity").GetString() == "Session");
        return (session.GetProperty("version").GetInt64(), session.GetProperty("updatedAt").GetString()!);
    }
}

using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Issue 13.2: 'acode session search' through the real binary, on the workspace (SQLite FTS5) and with --remote on
/// PostgreSQL after 'db sync'; hostile queries give hits or a usage error (exit 2), never a crash (exit 3).
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SessionSearchCommandTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task A_search_right_after_a_save_finds_it_with_its_entity_and_highlighted_snippet()
    {
        await _workspace.RunOkAsync("demo");

        AcodeResult table = await _workspace.RunOkAsync("session", "search", "context mismatch");
        JsonElement hit = (await _workspace.JsonAsync("session", "search", "\"context mismatch\"")).GetProperty("items")[0];
        Assert.Equal(("ToolCall", "error"), (hit.GetProperty("entityType").GetString(), hit.GetProperty("field").GetString()));
        Assert.Equal("patch does not apply: context mismatch at line 2 (file changed on disk)", hit.GetProperty("snippet").GetString());
        Assert.Equal([22, 16], hit.GetProperty("highlights")[0].EnumerateArray().Select(e => e.GetInt32()));
        Assert.Contains("context", table.Stdout, StringComparison.Ordinal);

        JsonElement json = await _workspace.JsonAsync("session", "search", "DateParser*", "--limit", "100");
        JsonElement[] items = [.. json.GetProperty("items").EnumerateArray()];
        Assert.NotEmpty(items);
        foreach (JsonElement item in items)
        {
            string snippet = item.GetProperty("snippet").GetString()!;
            JsonElement first = item.GetProperty("highlights")[0];
            Assert.StartsWith("dateparser", snippet.Substring(first[0].GetInt32(), first[1].GetInt32()), StringComparison.OrdinalIgnoreCase);
            Assert.StartsWith("sess_", item.GetProperty("sessionId").GetString());
        }

        Assert.Contains(items, i => i.GetProperty("entityType").GetString() == "ToolCall" && i.GetProperty("field").GetString() == "arguments");
        AcodeResult none = await _workspace.RunOkAsync("session", "search", "zzzunknownword");
        Assert.Contains("No hits", none.Stdout);
    }

    [Fact]
    [Trait("Issue", "13.3")]
    public async Task A_word_deep_inside_a_large_imported_tool_result_is_found_with_its_snippet()
    {
        // A Claude Code transcript whose Read returned a 55 KB file: stored once as a blob, searched by its whole text.
        await ImportLargeReadAsync();

        JsonElement hit = Assert.Single((await _workspace.JsonAsync("session", "search", "zetadeepmarker")).GetProperty("items").EnumerateArray());
        Assert.Equal(("ToolCall", "result"), (hit.GetProperty("entityType").GetString(), hit.GetProperty("field").GetString()));
        string snippet = hit.GetProperty("snippet").GetString()!;
        Assert.Contains("zetadeepmarker closes the file", snippet, StringComparison.Ordinal);
        Assert.Equal("zetadeepmarker", snippet.Substring(hit.GetProperty("highlights")[0][0].GetInt32(), hit.GetProperty("highlights")[0][1].GetInt32()));
        Assert.Single((await _workspace.JsonAsync("session", "search", "\"Field1499 get set\"")).GetProperty("items").EnumerateArray());
        Assert.Empty((await _workspace.JsonAsync("session", "search", "\"Field1499 set get\"")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    [Trait("Issue", "13.3")]
    public async Task A_search_index_of_large_content_out_of_step_is_reported_and_rebuilt_by_db_check_recount()
    {
        await ImportLargeReadAsync();
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_workspace.DatabasePath}"))
        {
            connection.Open();
            using var damage = connection.CreateCommand();
            damage.CommandText = "INSERT INTO blob_search_index (blob_search_index) VALUES ('delete-all');";
            damage.ExecuteNonQuery();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.Empty((await _workspace.JsonAsync("session", "search", "zetadeepmarker")).GetProperty("items").EnumerateArray());
        AcodeResult check = await _workspace.RunAsync("db", "check");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("search index of large content: 0 entr(ies) of deleted blobs, 1 not indexed", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("acode db check --recount", check.Stdout, StringComparison.Ordinal);

        AcodeResult repaired = await _workspace.RunOkAsync("db", "check", "--recount");
        Assert.Contains("Rebuilt the search index of large content: 1 blob(s) indexed.", repaired.Stdout, StringComparison.Ordinal);
        Assert.Single((await _workspace.JsonAsync("session", "search", "zetadeepmarker")).GetProperty("items").EnumerateArray());
        Assert.DoesNotContain("Rebuilt the search index", (await _workspace.RunOkAsync("db", "check", "--recount")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Pages_follow_their_More_line_and_return_each_hit_once()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "4");
        JsonElement all = await _workspace.JsonAsync("session", "search", "DateParser", "--limit", "1000");
        var expected = all.GetProperty("items").EnumerateArray().Select(Key).ToList();
        Assert.True(expected.Count > 5);

        var seen = new List<string>();
        string[] args = ["--workspace", _workspace.Root, "session", "search", "DateParser", "--limit", "3", "--json"];
        for (int i = 0; i < 100; i++)
        {
            AcodeResult run = await _workspace.RunInAsync(_workspace.Root, args);
            Assert.True(run.ExitCode == 0, run.ToString());
            JsonElement page = JsonDocument.Parse(run.Stdout).RootElement;
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(Key));
            if (page.GetProperty("nextArguments").ValueKind == JsonValueKind.Null)
            {
                break;
            }

            args = [.. page.GetProperty("nextArguments").EnumerateArray().Select(a => a.GetString()!)];
        }

        Assert.Equal(expected, seen);
        AcodeResult other = await _workspace.RunAsync("session", "search", "parser", "--cursor", all.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? "eA" : all.GetProperty("nextCursor").GetString()!);
        Assert.Equal(2, other.ExitCode);

        static string Key(JsonElement item) => item.GetProperty("entityId").GetString() + "/" + item.GetProperty("field").GetString();
    }

    [Theory]
    [Trait("Issue", "13.2")]
    [InlineData("\"unbalanced")]
    [InlineData("NEAR(context mismatch)")]
    [InlineData("error:context")]
    [InlineData("context^ mismatch*")]
    [InlineData("context AND")]
    [InlineData("context'); DROP TABLE sessions; --")]
    [InlineData("context 🙂 שלום")]
    [InlineData("context\u0001\u202E")]
    public async Task Hostile_queries_give_hits_or_nothing_never_a_crash(string query)
    {
        await _workspace.RunOkAsync("demo");
        AcodeResult result = await _workspace.RunAsync("session", "search", query);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(await _workspace.SessionIdsAsync());
    }

    [Theory]
    [Trait("Issue", "13.2")]
    [InlineData("*")]
    [InlineData("OR")]
    [InlineData("NOT context")]
    [InlineData("🙂")]
    public async Task Queries_with_nothing_to_search_for_are_usage_errors(string query)
    {
        AcodeResult result = await _workspace.RunAsync("session", "search", "--", query);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Error:", result.Stderr);
        Assert.Contains("Try:", result.Stderr);
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Ten_kilobytes_of_query_are_a_usage_error()
    {
        AcodeResult result = await _workspace.RunAsync("session", "search", string.Concat(Enumerable.Repeat("lorem ipsum ", 900)));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("characters long", result.Stderr);
        Assert.Contains("Try:", result.Stderr);
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Remote_search_finds_every_workspace_s_sessions_after_db_sync_and_names_their_workspace()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        using var other = new CliWorkspace();
        foreach (CliWorkspace workspace in new[] { _workspace, other })
        {
            workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
            await workspace.RunOkAsync("demo");
            await workspace.RunOkAsync("db", "sync");
        }

        JsonElement json = await _workspace.JsonAsync("session", "search", "\"context mismatch\"", "--remote", "--limit", "100");
        JsonElement[] items = [.. json.GetProperty("items").EnumerateArray()];
        Assert.Equal(2, items.Select(i => i.GetProperty("origin").GetString()).Distinct().Count());
        Assert.All(items, i => Assert.StartsWith(Environment.MachineName + "/", i.GetProperty("workspaceName").GetString(), StringComparison.Ordinal)); // host/folder, as each reported it
        Assert.Equal(2, items.Select(i => i.GetProperty("sessionId").GetString()).Distinct().Count());
        Assert.All(items, i => Assert.Equal("error", i.GetProperty("field").GetString()));

        AcodeResult table = await _workspace.RunOkAsync("session", "search", "context mismatch", "--remote");
        Assert.Contains("Workspace", table.Stdout);
        Assert.DoesNotContain(fixture.Server.Password, table.Stdout + table.Stderr, StringComparison.Ordinal);

        // A deleted session leaves the remote results once its deletion is synced.
        string deleted = items[0].GetProperty("sessionId").GetString()!;
        CliWorkspace owner = (await _workspace.SessionIdsAsync()).Contains(deleted) ? _workspace : other;
        using (var connection = new Npgsql.NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var tombstone = new Npgsql.NpgsqlCommand("UPDATE sessions SET deleted_at = now() WHERE id = $1;", connection) { Parameters = { new() { Value = deleted } } };
            await tombstone.ExecuteNonQueryAsync();
        }

        JsonElement after = await owner.JsonAsync("session", "search", "\"context mismatch\"", "--remote");
        Assert.DoesNotContain(after.GetProperty("items").EnumerateArray(), i => i.GetProperty("sessionId").GetString() == deleted);
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Remote_search_without_PostgreSQL_says_so_and_with_PostgreSQL_down_exits_16()
    {
        _workspace.Environment["ACODE_POSTGRES_URL"] = null;
        AcodeResult unconfigured = await _workspace.RunAsync("session", "search", "anything", "--remote");
        AcodeResult sync = await _workspace.RunAsync("db", "sync");
        Assert.Equal(sync.ExitCode, unconfigured.ExitCode);
        Assert.Contains("No PostgreSQL is configured", unconfigured.Stderr);
        Assert.Contains("Try:", unconfigured.Stderr);

        _workspace.Environment["ACODE_POSTGRES_URL"] = $"postgresql://acode:{Uri.EscapeDataString(fixture.Server.Password)}@127.0.0.1:1/acode";
        AcodeResult down = await _workspace.RunAsync("session", "search", "anything", "--remote");
        Assert.Equal(16, down.ExitCode);
        Assert.Contains("ACODE-DB-006", down.Stderr);
        Assert.DoesNotContain(fixture.Server.Password, down.Stdout + down.Stderr, StringComparison.Ordinal);
    }

    private async Task ImportLargeReadAsync()
    {
        string file = string.Concat(Enumerable.Range(0, 1500).Select(i => $"    public int Field{i} {{ get; set; }}\n")) + "// zetadeepmarker closes the file\n";
        string transcript = Path.Combine(_workspace.Root, "transcripts", "-home-dev-app", "7c0e9a11-2b3d-4e5f-8a9b-0c1d2e3f4a5b.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(transcript)!);
        static string Line(string type, string uuid, string? parent, object message) => JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["sessionId"] = "7c0e9a11-2b3d-4e5f-8a9b-0c1d2e3f4a5b", ["cwd"] = "/home/dev/app", ["version"] = "2.0.74", ["type"] = type, ["uuid"] = uuid,
            ["parentUuid"] = parent, ["timestamp"] = "2026-01-15T10:00:0" + uuid[^1] + ".000Z", ["message"] = message,
        });
        File.WriteAllLines(transcript,
        [
            Line("user", "u-1", null, new { role = "user", content = "Read the model class" }),
            Line("assistant", "u-2", "u-1", new { id = "msg_1", model = "claude-opus-4-5", role = "assistant", content = new object[] { new { type = "tool_use", id = "toolu_read", name = "Read", input = new { file_path = "/home/dev/app/Model.cs" } } } }),
            Line("user", "u-3", "u-2", new { role = "user", content = new object[] { new { type = "tool_result", tool_use_id = "toolu_read", content = file } } }),
        ]);
        await _workspace.RunOkAsync("import", "claude-code", transcript);
    }
}

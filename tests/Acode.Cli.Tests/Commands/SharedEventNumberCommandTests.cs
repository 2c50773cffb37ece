using System.Globalization;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Npgsql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// PostgreSQL holds two events of one session at the same sequence number (docs/architecture.md, "Event sequence
/// numbers"): here the second <c>secrets.redacted</c> event an earlier acode recorded when two workspaces imported the same
/// transcript (each its own, at the same number; an import now records the same event in both, docs/secrets.md). Every
/// teammate's <c>session pull</c>, <c>pull --all</c> and <c>export --remote</c> → <c>session import</c> then takes both
/// events, through the real binary, with exit 0; and the import's delivery is all duplicates (no false conflict).
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SharedEventNumberCommandTests(PostgresFixture fixture) : IDisposable
{
    /// <summary>The id of the second event at the redaction event's number, as another workspace's earlier acode recorded it.</summary>
    private const string SecondEventId = "evt_01KB0000000000000000000000";

    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();
    private readonly CliWorkspace _c = new();
    private readonly CliWorkspace _d = new();

    [Fact]
    public async Task A_session_PostgreSQL_holds_with_two_events_at_one_number_is_pulled_and_exported_then_imported_whole()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        foreach (CliWorkspace workspace in new[] { _a, _b, _c, _d })
        {
            workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        }

        string transcript = WriteTranscript();
        JsonElement imported = await _a.JsonAsync("import", "claude-code", transcript);
        await _b.RunOkAsync("import", "claude-code", transcript);
        await _a.RunOkAsync("db", "sync");
        await _b.RunOkAsync("db", "sync");
        string id = imported.GetProperty("files")[0].GetProperty("sessionId").GetString()!;
        Assert.Equal(1L, await PostgresSql.CountAsync(connectionString, "SELECT count(*) FROM session_events WHERE session_id = $1 AND type = 'secrets.redacted'", id));
        await PostgresSql.ExecuteAsync(connectionString, $$"""
            INSERT INTO session_events (id, session_id, sequence, type, payload, version, created_at, updated_at, hlc, origin, document)
            SELECT '{{SecondEventId}}', session_id, sequence, type, payload, version, created_at, updated_at, hlc, origin, jsonb_set(document, '{id}', to_jsonb('{{SecondEventId}}'::text))
            FROM session_events WHERE session_id = '{{id}}' AND type = 'secrets.redacted';
            """);
        long remoteEvents = await PostgresSql.CountAsync(connectionString, "SELECT count(*) FROM session_events WHERE session_id = $1", id);
        Assert.Equal(1L, remoteEvents - await PostgresSql.CountAsync(connectionString, "SELECT count(DISTINCT sequence) FROM session_events WHERE session_id = $1", id));

        AcodeResult pull = await _c.RunAsync("session", "pull", id, "--json");
        AcodeResult pullAll = await _b.RunAsync("session", "pull", "--all", "--since", "30d", "--json");
        string file = Path.Combine(_d.Root, "remote.jsonl");
        AcodeResult export = await _d.RunAsync("session", "export", "--remote", id, "-o", file);
        AcodeResult import = await _d.RunAsync("session", "import", file);

        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.True(pullAll.ExitCode == 0, pullAll.ToString());
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.True(import.ExitCode == 0, import.ToString());
        using JsonDocument pulledAll = JsonDocument.Parse(pullAll.Stdout);
        Assert.Equal(1, pulledAll.RootElement.GetProperty("pulled")[0].GetProperty("inserted").GetInt32()); // the second redaction event
        List<string> remoteIds = await EventIdsAsync(connectionString, id);
        foreach (CliWorkspace workspace in new[] { _b, _c, _d })
        {
            List<JsonElement> events = [.. (await workspace.JsonAsync("session", "show", id)).EnumerateArray().Where(d => d.GetProperty("entity").GetString() == "SessionEvent")];
            Assert.Equal(remoteIds, events.Select(e => e.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
            Assert.Equal(2, events.Count(e => e.GetProperty("type").GetString() == "secrets.redacted"));
            Assert.Equal(events.Count, events.Select(e => e.GetProperty("sequence").GetInt64()).Distinct().Count());
        }

        // The import placed one of the two events at the next free number; delivering it again is a duplicate of the event
        // PostgreSQL holds (an event's number only orders it), not a conflict, and PostgreSQL keeps its numbers.
        string numbersBefore = await EventNumbersAsync(connectionString, id);
        using JsonDocument sync = JsonDocument.Parse((await _d.RunOkAsync("db", "sync", "--json")).Stdout);
        Assert.Equal(0, sync.RootElement.GetProperty("conflicts").GetInt64());
        Assert.Equal(0, sync.RootElement.GetProperty("applied").GetInt64());
        Assert.Equal(sync.RootElement.GetProperty("delivered").GetInt64(), sync.RootElement.GetProperty("duplicates").GetInt64());
        Assert.Equal(0L, await PostgresSql.CountAsync(connectionString, "SELECT count(*) FROM sync_conflicts WHERE session_id = $1", id));
        Assert.Equal(numbersBefore, await EventNumbersAsync(connectionString, id));
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _c.Dispose();
        _d.Dispose();
    }

    /// <summary>A Claude Code transcript of an hour ago with a secret in a tool result (so every import of it redacts one value).</summary>
    private string WriteTranscript()
    {
        DateTimeOffset start = DateTimeOffset.UtcNow.AddHours(-1);
        string At(int seconds) => start.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        string file = Path.Combine(_a.Root, "cc", "6f6f6f6f-aaaa-2222-3333-444455556666.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file,
        [
            $$$"""{"type":"user","uuid":"u1","sessionId":"6f6f","version":"2.0.14","timestamp":"{{{At(0)}}}","message":{"role":"user","content":"fix parser"}}""",
            $$$"""{"type":"assistant","uuid":"a1","parentUuid":"u1","sessionId":"6f6f","version":"2.0.14","timestamp":"{{{At(2)}}}","message":{"id":"msg_01","role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"Read","input":{"file_path":"p.py"}}]}}""",
            $$$"""{"type":"user","uuid":"u2","parentUuid":"a1","sessionId":"6f6f","version":"2.0.14","timestamp":"{{{At(3)}}}","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"password = 'hunter2abcdEFGH1234xyz'"}]}}""",
            $$$"""{"type":"assistant","uuid":"a9","parentUuid":"u2","sessionId":"6f6f","timestamp":"{{{At(20)}}}","message":{"id":"m9","role":"assistant","content":[{"type":"text","text":"done"}]}}""",
        ]);
        return file;
    }

    private static async Task<string> EventNumbersAsync(string connectionString, string id)
    {
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await using NpgsqlCommand command = dataSource.CreateCommand("SELECT string_agg(id || '@' || sequence, ' ' ORDER BY id COLLATE \"C\") FROM session_events WHERE session_id = $1;");
        command.Parameters.AddWithValue(id);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> EventIdsAsync(string connectionString, string id)
    {
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await using NpgsqlCommand command = dataSource.CreateCommand("SELECT id FROM session_events WHERE session_id = $1 ORDER BY id COLLATE \"C\";");
        command.Parameters.AddWithValue(id);
        var ids = new List<string>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}

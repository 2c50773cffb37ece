using System.Globalization;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Two workspaces import the same Claude Code transcript (the same ids, versions, stamps and content) and sync, through
/// the real binary and a real PostgreSQL: the second delivery is a duplicate whichever workspace id sorts greater, and
/// every row's <c>origin</c> stays the workspace that delivered it first (docs/postgres.md, <c>origin</c>).
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class IdenticalVersionOriginTests(PostgresFixture fixture) : IDisposable
{
    private static readonly string[] Tables = ["sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events"];

    private readonly CliWorkspace _x = new();
    private readonly CliWorkspace _y = new();

    [Theory]
    [InlineData("ws_00000000000000000000000000000001", "ws_ffffffffffffffffffffffffffffffff")]
    [InlineData("ws_ffffffffffffffffffffffffffffffff", "ws_00000000000000000000000000000001")]
    public async Task The_same_imported_version_delivered_by_a_second_workspace_is_a_duplicate_and_keeps_the_first_origin(string first, string second)
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _x.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _y.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _x.RunOkAsync("db", "migrate");
        await _y.RunOkAsync("db", "migrate");
        SetWorkspaceId(_x, first);
        SetWorkspaceId(_y, second);
        string transcript = WriteTranscript();
        await _x.RunOkAsync("import", "claude-code", transcript);
        await _y.RunOkAsync("import", "claude-code", transcript);
        await _x.RunOkAsync("db", "sync");
        long rows = await RowsAsync(connectionString, "");

        AcodeResult sync = await _y.RunOkAsync("db", "sync");

        Assert.True(rows > 5, "the transcript makes a session with children");
        Assert.Contains($"Delivered {rows} record(s): 0 applied, {rows} duplicate(s), 0 conflict(s);", sync.Stdout, StringComparison.Ordinal);
        Assert.Equal(rows, await RowsAsync(connectionString, first));
        Assert.Equal(0L, await PostgresSql.CountAsync(connectionString, "SELECT count(*) FROM sync_conflicts"));
    }

    public void Dispose()
    {
        _x.Dispose();
        _y.Dispose();
    }

    private static void SetWorkspaceId(CliWorkspace workspace, string id)
    {
        using var connection = new SqliteConnection($"Data Source={workspace.DatabasePath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "UPDATE workspace SET workspace_id = $id WHERE id = 1;";
        command.Parameters.AddWithValue("$id", id);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    /// <summary>A Claude Code transcript of an hour ago without secrets (so both imports write exactly the same rows).</summary>
    private string WriteTranscript()
    {
        DateTimeOffset start = DateTimeOffset.UtcNow.AddHours(-1);
        string At(int seconds) => start.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        string file = Path.Combine(_x.Root, "cc", "7a7a7a7a-aaaa-2222-3333-444455556666.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file,
        [
            $$$"""{"type":"user","uuid":"u1","sessionId":"7a7a","version":"2.0.14","timestamp":"{{{At(0)}}}","message":{"role":"user","content":"fix parser"}}""",
            $$$"""{"type":"assistant","uuid":"a1","parentUuid":"u1","sessionId":"7a7a","version":"2.0.14","timestamp":"{{{At(2)}}}","message":{"id":"msg_01","role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"Read","input":{"file_path":"p.py"}}]}}""",
            $$$"""{"type":"user","uuid":"u2","parentUuid":"a1","sessionId":"7a7a","version":"2.0.14","timestamp":"{{{At(3)}}}","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"def parse(): pass"}]}}""",
            $$$"""{"type":"assistant","uuid":"a9","parentUuid":"u2","sessionId":"7a7a","timestamp":"{{{At(20)}}}","message":{"id":"m9","role":"assistant","content":[{"type":"text","text":"done"}]}}""",
        ]);
        return file;
    }

    /// <summary>Rows of every mirror table (with <paramref name="origin"/>: only those whose origin it is).</summary>
    private static async Task<long> RowsAsync(string connectionString, string origin)
    {
        long total = 0;
        foreach (string table in Tables)
        {
            total += await PostgresSql.CountAsync(connectionString, $"SELECT count(*) FROM {table} WHERE $1 = '' OR origin = $1", origin);
        }

        return total;
    }
}

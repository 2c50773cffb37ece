using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>What only SQLite keeps: U+0000 in text (PostgreSQL replaces it, docs/json-format.md). The rest of the store's reads are in the contract suite (Contract/).</summary>
public sealed class SqliteRunStateStoreLoadTests : IDisposable
{
    private readonly TempWorkspace _temp = new();
    private readonly SqliteWorkspaceDatabase _db;
    private readonly SqliteRunStateStore _store;

    public SqliteRunStateStoreLoadTests()
    {
        _db = _temp.Open();
        _store = new SqliteRunStateStore(_db);
    }

    public void Dispose()
    {
        _db.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task GetSessionAsync_keeps_nul_characters_megabytes_of_output_and_artifact_bytes()
    {
        Session saved = TestSessions.Rich();
        await _store.SaveAsync(saved);

        Session loaded = (await _store.GetSessionAsync(saved.Id))!;

        IReadOnlyList<ToolCall> calls = loaded.Tasks[0].Steps.SelectMany(s => s.ToolCalls).ToList();
        Assert.Equal(TestSessions.NulResult, calls[0].Result);
        Assert.Equal(TestSessions.NulResult.Length, calls[0].Result!.Length);
        Assert.Equal(TestSessions.MegabyteOfLog(), calls[1].Result);
        Assert.True(calls[1].Result!.Length >= 1 << 20);
        Assert.Equal("partial\0output", calls[2].Result);
        Assert.Equal(TestSessions.AllBytes, loaded.Artifacts[0].Content!.Value.ToArray());
        Assert.True(loaded.Artifacts[1].HasContent, "an empty artifact content came back as 'no content'");
        Assert.Equal(0, loaded.Artifacts[1].Content!.Value.Length);
        Assert.False(loaded.Artifacts[2].HasContent);
        Assert.Equal(new string('a', 64), loaded.Artifacts[2].ContentHash);
        Assert.Equal(TestSessions.NulResult, SqliteProbe.Scalar(_temp.DatabasePath, "SELECT result FROM tool_calls WHERE id = $id;", ("$id", calls[0].Id.Value)));
    }
}

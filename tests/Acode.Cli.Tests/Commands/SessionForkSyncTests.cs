using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A forged copy of a synced session (its id changed, its children's ids kept) through the real binary and a real
/// PostgreSQL: a row never moves between sessions (docs/architecture.md, "Conflicts"). Refused by a workspace that
/// holds the original; synced from one that does not, every child change loses to the original's row and is audited,
/// nothing is dead-lettered, and the team's copy of the original keeps all of its children.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SessionForkSyncTests(PostgresFixture fixture) : IDisposable
{
    private static readonly string[] ChildTables = ["session_tasks", "steps", "tool_calls", "artifacts", "session_events"];

    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    // The forking workspace's id sorts after or before the original's: the tie-break of equal stamps must not matter.
    [Theory]
    [InlineData("ws_ffffffffffffffffffffffffffffffff")]
    [InlineData("ws_00000000000000000000000000000000")]
    public async Task A_forked_copy_synced_from_another_workspace_moves_no_child_and_every_child_change_is_audited_not_dead_lettered(string forkingWorkspace)
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _b.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        string fork = Fork(id);
        string export = Path.Combine(_a.Root, "s.jsonl");
        string forged = Path.Combine(_a.Root, "fork.jsonl");
        await _a.RunOkAsync("session", "export", id, "-o", export);
        await File.WriteAllTextAsync(forged, (await File.ReadAllTextAsync(export)).Replace(id, fork, StringComparison.Ordinal));
        Dictionary<string, string> before = await ChildrenAsync(connectionString, id);

        AcodeResult refused = await _a.RunAsync("session", "import", forged);
        await _b.RunOkAsync("db", "migrate");
        SetWorkspaceId(_b, forkingWorkspace);
        await _b.RunOkAsync("session", "import", forged);
        AcodeResult sync = await _b.RunOkAsync("db", "sync");
        JsonElement status = await _b.JsonAsync("db", "sync", "status");
        JsonElement remote = await _b.JsonAsync("session", "show", "--remote", id);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains($"is stored in this workspace already, in session {id}", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains($"acode session delete {id}", refused.Stderr, StringComparison.Ordinal);
        Assert.True(before.Count > 5, "the demo session has children");
        Assert.Contains($"{before.Count} conflict(s)", sync.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 dead-lettered; 0 pending", sync.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, status.GetProperty("deadLetters").GetInt32());

        // The original keeps every child, unchanged; the fork's session row arrived, with no child of its own.
        Assert.Equal(before, await ChildrenAsync(connectionString, id));
        Assert.Empty(await ChildrenAsync(connectionString, fork));
        Assert.Equal(1L, await PostgresSql.CountAsync(connectionString, "SELECT count(*) FROM sessions WHERE id = $1", fork));
        Assert.Equal(before.Count, remote.GetArrayLength() - 1);

        // Each child change of the fork is a lost change, audited against the original's row.
        var audited = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString))
        await using (NpgsqlCommand command = dataSource.CreateCommand(
            "SELECT entity_id, winner, existing_payload->>'sessionId', incoming_payload->>'sessionId' FROM sync_conflicts WHERE session_id = $1"))
        {
            command.Parameters.AddWithValue(fork);
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Assert.Equal(("existing", id, fork), (reader.GetString(1), reader.GetString(2), reader.GetString(3)));
                audited.Add(reader.GetString(0), reader.GetString(1));
            }
        }

        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), audited.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Pulling_the_original_into_a_workspace_that_holds_a_forked_copy_is_refused_and_moves_nothing_locally()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _b.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        string fork = Fork(id);
        string export = Path.Combine(_a.Root, "s.jsonl");
        string forged = Path.Combine(_b.Root, "fork.jsonl");
        await _a.RunOkAsync("session", "export", id, "-o", export);
        await File.WriteAllTextAsync(forged, (await File.ReadAllTextAsync(export)).Replace(id, fork, StringComparison.Ordinal));
        await _b.RunOkAsync("session", "import", forged);
        string forkShown = (await _b.JsonAsync("session", "show", fork)).GetRawText();

        AcodeResult pull = await _b.RunAsync("session", "pull", id);

        Assert.Equal(1, pull.ExitCode);
        Assert.Contains($"Error: Session {id} cannot be pulled", pull.Stderr, StringComparison.Ordinal);
        Assert.Contains($"already belongs to session {fork}", pull.Stderr, StringComparison.Ordinal);
        Assert.Contains($"'acode session delete {fork} --local'", pull.Stderr, StringComparison.Ordinal); // only this workspace's copy (trial AB)
        Assert.Equal([fork], await _b.SessionIdsAsync());
        Assert.Equal(forkShown, (await _b.JsonAsync("session", "show", fork)).GetRawText());
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    /// <summary>
    /// Gives the workspace a chosen origin id before it writes anything (ids are random: the copy's children carry the
    /// original's stamps, so which workspace id sorts greater decides the tie of a last-writer-wins order).
    /// </summary>
    private static void SetWorkspaceId(CliWorkspace workspace, string id)
    {
        using var connection = new SqliteConnection($"Data Source={workspace.DatabasePath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "UPDATE workspace SET workspace_id = $id WHERE id = 1;";
        command.Parameters.AddWithValue("$id", id);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    /// <summary>The id with its last three characters changed (still a valid session id).</summary>
    private static string Fork(string id) => id[..^3] + (id.EndsWith("ZZZ", StringComparison.Ordinal) ? "YYY" : "ZZZ");

    /// <summary>Every child row PostgreSQL holds for the session: id → its document.</summary>
    private static async Task<Dictionary<string, string>> ChildrenAsync(string connectionString, string sessionId)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        foreach (string table in ChildTables)
        {
            await using NpgsqlCommand command = dataSource.CreateCommand($"SELECT id, document::text FROM {table} WHERE session_id = $1");
            command.Parameters.AddWithValue(sessionId);
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0), reader.GetString(1));
            }
        }

        return rows;
    }
}

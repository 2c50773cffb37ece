using System.Text.Json;
using System.Text.Json.Nodes;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Npgsql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// An export edited by hand so that an entity's <c>version</c> rises while its <c>updatedAt</c> stays, imported and
/// synced through the real binary and a real PostgreSQL: the new version reaches the team's copy (it used to be written
/// locally with no outbox record, its idempotency key <c>Type:id:updated_at</c> being the stored version's), and
/// importing the same file again still writes nothing (docs/architecture.md, "Each version its own stamp").
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SessionImportEditedVersionSyncTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Fact]
    public async Task An_export_whose_version_was_raised_with_the_same_updatedAt_is_imported_with_its_outbox_record_and_reaches_PostgreSQL()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        string export = Path.Combine(_a.Root, "s.jsonl");
        string edited = Path.Combine(_a.Root, "edited.jsonl");
        await _a.RunOkAsync("session", "export", id, "-o", export);
        (Edit session, Edit task) = await EditAsync(export, edited);

        AcodeResult imported = await _a.RunOkAsync("session", "import", edited);
        JsonElement afterImport = await _a.JsonAsync("db", "status");
        AcodeResult again = await _a.RunOkAsync("session", "import", edited);
        JsonElement afterAgain = await _a.JsonAsync("db", "status");
        await _a.RunOkAsync("db", "sync");
        JsonElement syncStatus = await _a.JsonAsync("db", "sync", "status");

        Assert.Contains($"{id}: 0 new, 2 updated,", imported.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Pending(afterImport));
        Assert.Contains($"{id}: 0 new, 0 updated,", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Pending(afterAgain));
        Assert.Equal(afterImport.GetProperty("rows").GetProperty("outbox").GetInt64(), afterAgain.GetProperty("rows").GetProperty("outbox").GetInt64());
        Assert.Equal(0, syncStatus.GetProperty("deadLetters").GetInt32());

        // PostgreSQL holds the edited versions, as a continuation of what the workspace delivered before: no conflict.
        Assert.Equal((session.Version, session.Title), await RemoteAsync(connectionString, "sessions", session.Id));
        Assert.Equal((task.Version, task.Title), await RemoteAsync(connectionString, "session_tasks", task.Id));
        Assert.Equal(0L, await ConflictsAsync(connectionString));

        // Locally each edited version is stamped after the version it replaced (within 2^24 ticks, by its content), so it has a key of its own.
        JsonElement shown = (await _a.JsonAsync("session", "show", id)).EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        long after = Ticks(shown.GetProperty("updatedAt").GetString()!) - Ticks(session.UpdatedAt);
        Assert.InRange(after, 1, 1L << 24);
    }

    [Fact]
    public async Task Two_workspaces_importing_the_same_edited_export_deliver_the_same_change_which_is_no_conflict()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _b.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        await _b.RunOkAsync("session", "pull", id);
        await _b.RunOkAsync("db", "sync");
        string export = Path.Combine(_a.Root, "s.jsonl");
        string edited = Path.Combine(_a.Root, "edited.jsonl");
        await _a.RunOkAsync("session", "export", id, "-o", export);
        (Edit session, Edit task) = await EditAsync(export, edited);

        await _a.RunOkAsync("session", "import", edited);
        await _b.RunOkAsync("session", "import", edited);
        await _a.RunOkAsync("db", "sync");
        await _b.RunOkAsync("db", "sync");

        Assert.Equal((session.Version, session.Title), await RemoteAsync(connectionString, "sessions", session.Id));
        Assert.Equal((task.Version, task.Title), await RemoteAsync(connectionString, "session_tasks", task.Id));
        Assert.Equal(0L, await ConflictsAsync(connectionString));
        Assert.Equal((await _a.RunOkAsync("session", "show", id, "--json")).Stdout, (await _b.RunOkAsync("session", "show", id, "--json")).Stdout);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private sealed record Edit(string Id, long Version, string Title, string UpdatedAt);

    /// <summary>Copies the export with the session's and its first task's version raised by one and their titles changed, <c>updatedAt</c> kept.</summary>
    private static async Task<(Edit Session, Edit Task)> EditAsync(string export, string edited)
    {
        var lines = new List<string>();
        Edit? session = null, task = null;
        foreach (string line in await File.ReadAllLinesAsync(export))
        {
            JsonObject entity = JsonNode.Parse(line)!.AsObject();
            string kind = entity["entity"]!.GetValue<string>();
            if ((kind == "Session" && session is null) || (kind == "SessionTask" && task is null))
            {
                long version = entity["version"]!.GetValue<long>() + 1;
                string title = entity["title"]!.GetValue<string>() + " (edited)";
                entity["version"] = version;
                entity["title"] = title;
                var edit = new Edit(entity["id"]!.GetValue<string>(), version, title, entity["updatedAt"]!.GetValue<string>());
                _ = kind == "Session" ? session = edit : task = edit;
            }

            lines.Add(entity.ToJsonString());
        }

        await File.WriteAllLinesAsync(edited, lines);
        return (session!, task!);
    }

    private static long Ticks(string updatedAt) => Acode.Application.Serialization.UtcTimestamp.Parse(updatedAt).UtcTicks;

    private static long Pending(JsonElement status) => status.GetProperty("outbox").GetProperty("pending").GetInt64();

    private static async Task<(long Version, string Title)> RemoteAsync(string connectionString, string table, string id)
    {
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await using NpgsqlCommand command = dataSource.CreateCommand($"SELECT version, title FROM {table} WHERE id = $1");
        command.Parameters.AddWithValue(id);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"PostgreSQL holds no {table} row {id}");
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private static async Task<long> ConflictsAsync(string connectionString)
    {
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await using NpgsqlCommand command = dataSource.CreateCommand("SELECT count(*) FROM sync_conflicts");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

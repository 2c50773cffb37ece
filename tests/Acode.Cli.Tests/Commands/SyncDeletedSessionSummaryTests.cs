using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>db sync</c>'s summary counts as applied only what PostgreSQL now holds, through the real binary and PostgreSQL: a
/// change to a session another workspace deleted is a lost conflict, not "applied", and the summary says the session was
/// deleted (when, by which workspace) and what to do, never to pull a session that no longer exists; an old export of
/// the deleted session imported into a new workspace is delivered as "not applied (their session was deleted in
/// PostgreSQL)".
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SyncDeletedSessionSummaryTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _deleter = new();
    private readonly CliWorkspace _editor = new();
    private readonly CliWorkspace _late = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_change_to_a_session_deleted_in_PostgreSQL_is_not_counted_as_applied_and_the_advice_fits_a_deletion(bool json)
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        foreach (CliWorkspace workspace in new[] { _deleter, _editor, _late })
        {
            workspace.Environment["ACODE_POSTGRES_URL"] = url;
        }

        await _deleter.RunOkAsync("demo", "--sessions", "1");
        await _deleter.RunOkAsync("db", "sync");
        string id = Assert.Single(await _deleter.SessionIdsAsync());
        string deleterId = (await _deleter.JsonAsync("db", "status")).GetProperty("workspaceId").GetString()!;
        await _editor.RunOkAsync("session", "pull", id);
        string old = Path.Combine(_editor.Root, "old.jsonl");
        await _editor.RunOkAsync("session", "export", id, "-o", old);
        await _deleter.RunOkAsync("session", "delete", id, "--yes");
        await _deleter.RunOkAsync("db", "sync");
        await SessionEdit.RetitleExportAsync(_editor, old, "continued after the deletion");

        AcodeResult lost = await _editor.RunAsync(json ? ["db", "sync", "--json"] : ["db", "sync"]);
        await _late.RunOkAsync("session", "import", old);
        int records = (int)(await _late.JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64();
        AcodeResult stale = await _late.RunAsync(json ? ["db", "sync", "--json"] : ["db", "sync"]);

        Assert.Equal((0, 0), (lost.ExitCode, stale.ExitCode));
        Assert.True(records > 1);
        if (json)
        {
            JsonElement l = JsonDocument.Parse(lost.Stdout).RootElement;
            Assert.Equal((1L, 0L, 1L, 1L, 1L), (l.GetProperty("delivered").GetInt64(), l.GetProperty("applied").GetInt64(), l.GetProperty("conflictsLost").GetInt64(), l.GetProperty("conflictsLostToDeletion").GetInt64(), l.GetProperty("notApplied").GetInt64()));
            Assert.Empty(l.GetProperty("lostSessions").EnumerateArray()); // lost to a deletion, not to a newer version to pull
            JsonElement deleted = Assert.Single(l.GetProperty("deletedSessions").EnumerateArray());
            Assert.Equal((id, deleterId), (deleted.GetProperty("id").GetString(), deleted.GetProperty("deletedBy").GetString()));
            Assert.False(string.IsNullOrEmpty(deleted.GetProperty("deletedAt").GetString()));

            JsonElement s = JsonDocument.Parse(stale.Stdout).RootElement;
            Assert.Equal((records, 0L, 0L, records, records), (s.GetProperty("delivered").GetInt64(), s.GetProperty("applied").GetInt64(), s.GetProperty("conflicts").GetInt64(), s.GetProperty("ofDeletedSessions").GetInt64(), s.GetProperty("notApplied").GetInt64()));
        }
        else
        {
            Assert.Contains("Delivered 1 record(s): 0 applied, 0 duplicate(s), 1 conflict(s) (0 won, 1 lost);", lost.Stdout, StringComparison.Ordinal);
            Assert.Contains($"1 of your change(s) lost to a deletion: session {id} was deleted in PostgreSQL on ", lost.Stdout, StringComparison.Ordinal);
            Assert.Contains("(UTC) by workspace ", lost.Stdout, StringComparison.Ordinal);
            Assert.Contains(deleterId, lost.Stdout, StringComparison.Ordinal);
            Assert.Contains($"'acode session delete {id} --local'", lost.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("lost to newer versions", lost.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain($"Run 'acode session pull {id}'", lost.Stdout, StringComparison.Ordinal);

            Assert.Contains($"Delivered {records} record(s): 0 applied, 0 duplicate(s), 0 conflict(s), {records} not applied (their session was deleted in PostgreSQL);", stale.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Changes_delivered_before_the_deletion_are_told_apart_from_those_this_sync_delivered()
    {
        // Trial AA: "1 conflict(s) (0 won, 1 lost)" beside "N of your change(s) lost to a deletion" with N larger read as a
        // contradiction; the larger count includes the rows earlier syncs delivered, which the deleter never saw.
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _deleter.Environment["ACODE_POSTGRES_URL"] = url;
        _editor.Environment["ACODE_POSTGRES_URL"] = url;
        string transcript = Path.Combine(_editor.Root, "t", "dddddddd-dddd-4ddd-8ddd-dddddddddddd.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(transcript)!);
        await File.WriteAllLinesAsync(transcript, [Prompt("u1", null, "10:00:00", "first")]);
        await _editor.RunOkAsync("import", "claude-code", transcript);
        await _editor.RunOkAsync("db", "sync");
        string id = Assert.Single(await _editor.SessionIdsAsync());
        await _deleter.RunOkAsync("session", "pull", id);
        await File.AppendAllLinesAsync(transcript, [Prompt("u2", "u1", "10:01:00", "second"), Prompt("u3", "u2", "10:02:00", "third")]);
        await _editor.RunOkAsync("import", "claude-code", transcript);
        await _editor.RunOkAsync("db", "sync");
        await _deleter.RunOkAsync("session", "delete", id, "--yes");
        await _deleter.RunOkAsync("db", "sync");
        await File.AppendAllLinesAsync(transcript, [Prompt("u4", "u3", "10:03:00", "fourth")]);
        await _editor.RunOkAsync("import", "claude-code", transcript);

        AcodeResult lost = await _editor.RunOkAsync("db", "sync");

        Assert.Contains("3 conflict(s) (0 won, 3 lost)", lost.Stdout, StringComparison.Ordinal);
        Assert.Contains($"5 of your change(s) lost to a deletion (3 delivered now, 2 by earlier syncs and removed by the deletion since): session {id} was deleted", lost.Stdout.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    private static string Prompt(string uuid, string? parent, string time, string text)
        => $$$"""{"type":"user","uuid":"{{{uuid}}}"{{{(parent is null ? "" : $",\"parentUuid\":\"{parent}\"")}}},"timestamp":"2026-11-20T{{{time}}}Z","cwd":"/p","message":{"role":"user","content":"{{{text}}}"}}""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_old_export_imported_into_the_workspace_that_deleted_its_session_is_not_counted_as_duplicates(bool json)
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _deleter.Environment["ACODE_POSTGRES_URL"] = url;
        await _deleter.RunOkAsync("demo", "--sessions", "1");
        string id = Assert.Single(await _deleter.SessionIdsAsync());
        string old = Path.Combine(_deleter.Root, "old.jsonl");
        await _deleter.RunOkAsync("session", "export", id, "-o", old);
        await _deleter.RunOkAsync("db", "sync");
        int records = await DeleteSyncAndImportAgainAsync(_deleter, id, old);

        AcodeResult again = await _deleter.RunAsync(json ? ["db", "sync", "--json"] : ["db", "sync"]);

        Assert.Equal(0, again.ExitCode);
        Assert.True(records > 1);
        if (json)
        {
            JsonElement s = JsonDocument.Parse(again.Stdout).RootElement;
            Assert.Equal((records, 0L, 0L, 0L, records, records), (s.GetProperty("delivered").GetInt64(), s.GetProperty("applied").GetInt64(), s.GetProperty("duplicates").GetInt64(), s.GetProperty("conflicts").GetInt64(), s.GetProperty("ofDeletedSessions").GetInt64(), s.GetProperty("notApplied").GetInt64()));
            Assert.Empty(s.GetProperty("lostSessions").EnumerateArray());
        }
        else
        {
            Assert.Contains($"Delivered {records} record(s): 0 applied, 0 duplicate(s), 0 conflict(s), {records} not applied (their session was deleted in PostgreSQL);", again.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_old_export_whose_first_delivery_was_a_duplicate_counts_as_not_applied_once_its_session_was_deleted()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _deleter.Environment["ACODE_POSTGRES_URL"] = url;
        _editor.Environment["ACODE_POSTGRES_URL"] = url;
        await _editor.RunOkAsync("demo", "--sessions", "1");
        string id = Assert.Single(await _editor.SessionIdsAsync());
        string old = Path.Combine(_deleter.Root, "old.jsonl");
        await _editor.RunOkAsync("session", "export", id, "-o", old);
        await _editor.RunOkAsync("db", "sync");
        await _deleter.RunOkAsync("session", "import", old);
        JsonElement first = await _deleter.JsonAsync("db", "sync"); // the same changes the editor delivered: duplicates
        Assert.Equal(first.GetProperty("delivered").GetInt64(), first.GetProperty("duplicates").GetInt64());
        int records = await DeleteSyncAndImportAgainAsync(_deleter, id, old);

        JsonElement s = await _deleter.JsonAsync("db", "sync");

        Assert.True(records > 1);
        Assert.Equal((records, 0L, 0L, records), (s.GetProperty("delivered").GetInt64(), s.GetProperty("applied").GetInt64(), s.GetProperty("duplicates").GetInt64(), s.GetProperty("ofDeletedSessions").GetInt64()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_transcript_imported_again_after_its_session_was_deleted_counts_as_not_applied_whether_the_deletion_synced_first_or_with_it(bool syncedFirst)
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _deleter.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _deleter.RunOkAsync("import", "claude-code", Acode.Cli.Tests.Import.TranscriptFixtures.ClaudeFolder);
        string id = Assert.Single(await _deleter.SessionIdsAsync());
        if (syncedFirst)
        {
            await _deleter.RunOkAsync("db", "sync");
        }

        await _deleter.RunOkAsync("session", "delete", id, "--yes");
        await _deleter.RunOkAsync("import", "claude-code", Acode.Cli.Tests.Import.TranscriptFixtures.ClaudeFolder, "--include-removed");

        JsonElement s = await _deleter.JsonAsync("db", "sync");

        long delivered = s.GetProperty("delivered").GetInt64(), applied = s.GetProperty("applied").GetInt64(), superseded = s.GetProperty("superseded").GetInt64();
        long ofDeleted = s.GetProperty("ofDeletedSessions").GetInt64();
        Assert.True(syncedFirst || delivered > 2, s.ToString()); // synced first, the outbox may still hold the records' keys (not written again)
        Assert.Equal(1L, await PostgresSql.CountAsync(connectionString, "SELECT count(*) FROM sessions WHERE id = $1 AND deleted_at IS NOT NULL", id));
        Assert.Equal(0L, await PostgresSql.CountAsync(connectionString, "SELECT (SELECT count(*) FROM session_tasks WHERE session_id = $1) + (SELECT count(*) FROM session_events WHERE session_id = $1)", id));
        // What PostgreSQL holds decides: the tombstone is the only change applied; the rows imported again are not there.
        Assert.Equal(1L, applied);
        Assert.Equal(0L, s.GetProperty("duplicates").GetInt64());
        Assert.Equal(delivered, applied + superseded + ofDeleted);
        Assert.True(ofDeleted >= delivered - 2, s.ToString());
    }

    /// <summary>Deletes the session in <paramref name="workspace"/>, syncs the deletion, imports the old export again; returns the records then pending.</summary>
    private static async Task<int> DeleteSyncAndImportAgainAsync(CliWorkspace workspace, string id, string export)
    {
        await workspace.RunOkAsync("session", "delete", id, "--yes");
        await workspace.RunOkAsync("db", "sync");
        await workspace.RunOkAsync("session", "import", export);
        return (int)(await workspace.JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64();
    }

    public void Dispose()
    {
        _deleter.Dispose();
        _editor.Dispose();
        _late.Dispose();
    }
}

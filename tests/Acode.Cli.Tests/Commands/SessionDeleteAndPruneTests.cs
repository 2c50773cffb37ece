using System.Globalization;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>The real acode binary deleting and pruning sessions in a real SQLite file (no PostgreSQL configured).</summary>
public sealed class SessionDeleteAndPruneTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Session_delete_without_yes_refuses_on_a_non_terminal_stdin_and_with_yes_deletes()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "2");
        IReadOnlyList<string> ids = await _workspace.SessionIdsAsync();

        AcodeResult refused = await _workspace.RunAsync("session", "delete", ids[0]);
        AcodeResult dry = await _workspace.RunOkAsync("session", "delete", ids[0], "--dry-run");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--yes", refused.Stderr);
        Assert.Contains("Dry run: nothing was deleted.", dry.Stdout);
        Assert.Equal(2, (await _workspace.SessionIdsAsync()).Count);

        AcodeResult missing = await _workspace.RunAsync("session", "delete", ids[0], "sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V", "--yes");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("nothing was deleted", missing.Stderr);
        Assert.Equal(2, (await _workspace.SessionIdsAsync()).Count);

        JsonElement deleted = await _workspace.JsonAsync("session", "delete", ids[0], "--yes");
        Assert.Equal([ids[0]], deleted.GetProperty("deleted").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal([ids[1]], await _workspace.SessionIdsAsync());
        Assert.Equal(1, (await _workspace.RunAsync("session", "show", ids[0])).ExitCode);

        // The deletion is in the outbox, ready to sync once a PostgreSQL is configured.
        Assert.Equal(1L, Scalar("SELECT count(*) FROM outbox WHERE operation = 'Delete' AND entity_id = $id", ids[0]));
        await _workspace.RunOkAsync("db", "check");
    }

    [Fact]
    public async Task The_same_delete_run_again_after_it_was_stopped_half_way_deletes_the_rest()
    {
        // Trial BA F2: after a kill or a closed terminal the same command again refused every id, naming all of them.
        await _workspace.RunOkAsync("demo", "--sessions", "3");
        IReadOnlyList<string> ids = await _workspace.SessionIdsAsync();
        await _workspace.RunOkAsync("session", "delete", ids[0], "--yes"); // what the stopped run got done

        AcodeResult again = await _workspace.RunOkAsync("session", "delete", ids[0], ids[1], "--yes");
        JsonElement done = await _workspace.JsonAsync("session", "delete", ids[0], ids[1], "--yes");

        Assert.Contains($"Already deleted in this workspace: 1 session(s) ({ids[0]}).", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("Deleted 1 session(s).", again.Stdout, StringComparison.Ordinal);
        Assert.Equal([ids[2]], await _workspace.SessionIdsAsync());
        Assert.Equal(0, done.GetProperty("deletedCount").GetInt32());
        Assert.Equal([ids[0], ids[1]], done.GetProperty("alreadyDeleted").EnumerateArray().Select(e => e.GetString()!).ToArray());

        // An id this workspace never held is still refused, the ids named at most ten.
        string[] unknown = [.. Enumerable.Range(0, 12).Select(i => $"sess_01JD3Z6Q6V2K8M4N5P7R9S1T{i:D2}")];
        AcodeResult refused = await _workspace.RunAsync(["session", "delete", ids[2], .. unknown, "--yes"]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("(12 in all) in this workspace; nothing was deleted.", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(unknown[11], refused.Stderr, StringComparison.Ordinal);
        Assert.Equal([ids[2]], await _workspace.SessionIdsAsync());
    }

    [Fact]
    public async Task Prune_dry_run_writes_nothing_and_the_state_filter_limits_what_goes()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "3");
        byte[] before = await File.ReadAllBytesAsync(_workspace.DatabasePath);
        IReadOnlyList<string> completed = await _workspace.SessionIdsAsync("--state", "Completed");

        JsonElement dry = await _workspace.JsonAsync("db", "prune", "--older-than", "0s", "--state", "Completed", "--dry-run");
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        Assert.Equal(completed, dry.GetProperty("removed").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(before, await File.ReadAllBytesAsync(_workspace.DatabasePath));
        Assert.Equal(3, (await _workspace.SessionIdsAsync()).Count);

        // The text names the sessions it would remove, one per line.
        AcodeResult listed = await _workspace.RunOkAsync("db", "prune", "--older-than", "0s", "--dry-run");
        Assert.Contains($"Would remove 3 session(s) last changed before ", listed.Stdout, StringComparison.Ordinal);
        Assert.All(await _workspace.SessionIdsAsync(), id => Assert.Contains($"\n  {id}\n", listed.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal));

        AcodeResult refused = await _workspace.RunAsync("db", "prune", "--older-than", "0s");
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal(3, (await _workspace.SessionIdsAsync()).Count);

        JsonElement pruned = await _workspace.JsonAsync("db", "prune", "--older-than", "0s", "--state", "Completed", "--yes");
        Assert.Equal(completed, pruned.GetProperty("removed").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Empty(await _workspace.SessionIdsAsync("--state", "Completed"));
        Assert.Equal(2, (await _workspace.SessionIdsAsync()).Count);

        // Without --remote only the local copy goes: nothing is written to the outbox for it, and its records went with it.
        Assert.Equal(0L, Scalar("SELECT count(*) FROM outbox WHERE session_id = $id", completed[0]));

        // A cutoff before every session removes nothing.
        JsonElement none = await _workspace.JsonAsync("db", "prune", "--older-than", "2000-01-01", "--yes");
        Assert.Equal(0, none.GetProperty("removedCount").GetInt32());
        await _workspace.RunOkAsync("db", "check");
    }

    [Fact]
    public async Task Prune_warns_of_a_cutoff_in_the_future()
    {
        // Trial AB O4: a typo of the year would remove every session without a word.
        await _workspace.RunOkAsync("demo");
        string future = DateTime.UtcNow.AddYears(4).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        AcodeResult dry = await _workspace.RunOkAsync("db", "prune", "--older-than", future, "--dry-run");
        AcodeResult past = await _workspace.RunOkAsync("db", "prune", "--older-than", "30d", "--dry-run");

        Assert.Contains($"Warning: --older-than '{future}' is in the future ({future}T00:00:00.0000000Z): every session last changed before then goes", dry.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Warning:", past.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_needs_a_cutoff_unless_retention_is_configured_and_then_uses_it()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "3");
        AcodeResult noCutoff = await _workspace.RunAsync("db", "prune", "--yes");
        Assert.Equal(2, noCutoff.ExitCode);
        Assert.Contains("--older-than", noCutoff.Stderr);

        AcodeResult badTime = await _workspace.RunAsync("db", "prune", "--older-than", "thirty days", "--yes");
        Assert.Equal(2, badTime.ExitCode);

        _workspace.Environment["ACODE_PERSISTENCE__RETENTION__OLDERTHANDAYS"] = "abc";
        AcodeResult badSetting = await _workspace.RunAsync("db", "prune", "--yes");
        Assert.Equal(17, badSetting.ExitCode);
        Assert.Contains("persistence:retention:olderThanDays", badSetting.Stderr, StringComparison.OrdinalIgnoreCase);

        // Configured retention: sessions changed more than 1 day ago. Today's demo sessions are all younger, so none goes.
        _workspace.Environment["ACODE_PERSISTENCE__RETENTION__OLDERTHANDAYS"] = "1";
        _workspace.Environment["ACODE_PERSISTENCE__RETENTION__STATES__0"] = "Failed";
        JsonElement configured = await _workspace.JsonAsync("db", "prune", "--yes");
        Assert.Equal(0, configured.GetProperty("removedCount").GetInt32());
        Assert.Equal(["Failed"], configured.GetProperty("states").EnumerateArray().Select(e => e.GetString()!).ToArray());
        DateTimeOffset cutoff = DateTimeOffset.Parse(configured.GetProperty("cutoff").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - cutoff, TimeSpan.FromHours(23), TimeSpan.FromHours(25));
        Assert.Equal(3, (await _workspace.SessionIdsAsync()).Count);

        // Nothing to remove is nothing to confirm: no --yes needed, even without a terminal.
        AcodeResult nothing = await _workspace.RunAsync("db", "prune");
        Assert.True(nothing.ExitCode == 0, nothing.ToString());
        Assert.Equal(3, (await _workspace.SessionIdsAsync()).Count);
    }

    [Theory]
    [InlineData("""["Completed","Failed"]""")]
    [InlineData("""[" completed ", "FAILED"]""")]
    [InlineData("Completed, Failed")]
    public async Task Retention_states_from_the_environment_may_be_a_JSON_array_or_comma_separated(string value)
    {
        await _workspace.RunOkAsync("demo", "--sessions", "1");
        _workspace.Environment["ACODE_PERSISTENCE__RETENTION__OLDERTHANDAYS"] = "1";
        _workspace.Environment["ACODE_PERSISTENCE__RETENTION__STATES"] = value;

        JsonElement configured = await _workspace.JsonAsync("db", "prune", "--yes");

        Assert.Equal(["Completed", "Failed"], configured.GetProperty("states").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public async Task After_pruning_most_of_a_workspace_the_file_shrinks_and_an_old_format_database_is_converted_once()
    {
        // 60 sessions: enough that the data, not the empty schema's pages (FTS5 shadow tables included), makes the file.
        await _workspace.RunOkAsync("demo", "--sessions", "60");
        JsonElement list = await _workspace.JsonAsync("session", "list", "--limit", "1", "--sort", "updated-desc");
        string newest = list.GetProperty("items")[0].GetProperty("updatedAt").GetString()!;
        string cutoff = DateTimeOffset.Parse(newest, CultureInfo.InvariantCulture).AddTicks(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        await _workspace.RunOkAsync("demo", "--sessions", "1");

        // A database created by an older acode: auto_vacuum=NONE. It still opens and checks.
        Execute("PRAGMA auto_vacuum = NONE; VACUUM;");
        Assert.Equal(0L, Scalar("PRAGMA auto_vacuum;"));
        await _workspace.RunOkAsync("db", "check");
        long sizeBefore = FilesSize();

        JsonElement pruned = await _workspace.JsonAsync("db", "prune", "--older-than", cutoff, "--yes");

        long sizeAfter = FilesSize();
        Assert.Equal(60, pruned.GetProperty("removedCount").GetInt32());
        Assert.Single(await _workspace.SessionIdsAsync());
        JsonElement space = pruned.GetProperty("space");
        Assert.Equal("Converted", space.GetProperty("autoVacuum").GetString());
        Assert.Equal(2L, Scalar("PRAGMA auto_vacuum;"));
        Assert.True(sizeAfter * 5 < sizeBefore, $"The files should be under a fifth of their size after removing 60 of 61 sessions: {sizeBefore} bytes before, {sizeAfter} after.");
        Assert.Equal(sizeAfter, space.GetProperty("bytesAfter").GetInt64());
        Assert.Equal(sizeBefore, space.GetProperty("bytesBefore").GetInt64()); // the files when the prune began (trial BA F4)

        // Converted once: the next prune only gives freed pages back. (10 sessions: since schema 1.5.0 their large outputs
        // are compressed blobs, and 5 would leave the empty schema's pages too large a share of the file to halve it.)
        await _workspace.RunOkAsync("demo", "--sessions", "10");
        long grown = FilesSize();
        JsonElement again = await _workspace.JsonAsync("db", "prune", "--older-than", "0s", "--yes");
        Assert.Equal("AlreadyIncremental", again.GetProperty("space").GetProperty("autoVacuum").GetString());
        Assert.Equal(grown, again.GetProperty("space").GetProperty("bytesBefore").GetInt64()); // not counting the prune's own WAL
        Assert.True(FilesSize() * 2 < grown, $"{grown} bytes before the second prune, {FilesSize()} after.");
        await _workspace.RunOkAsync("db", "check");
    }

    [Fact]
    public async Task Pruning_every_session_leaves_no_full_text_index_pages_of_them_behind()
    {
        const string IndexBytes = "SELECT ifnull(sum(length(block)), 0) FROM search_index_data;";
        const string BlobIndexBytes = "SELECT ifnull(sum(length(block)), 0) FROM blob_search_index_data;";
        await _workspace.RunOkAsync("demo", "--sessions", "40");
        long before = Scalar(IndexBytes), blobsBefore = Scalar(BlobIndexBytes);

        JsonElement pruned = await _workspace.JsonAsync("db", "prune", "--older-than", "0s", "--yes");

        Assert.Equal(40, pruned.GetProperty("removedCount").GetInt32());
        Assert.Equal(0L, Scalar("SELECT count(*) FROM search_entries;"));

        // An index of nothing holds only its averages and structure records (a few dozen bytes). Without a merge, the
        // segments written while the sessions were saved stay, with delete markers for each of their words on top.
        Assert.True(before > 10_000, $"{before} and {blobsBefore} bytes of index data before the prune");
        Assert.True(Scalar(IndexBytes) < 200, $"{Scalar(IndexBytes)} bytes of index data left of {before}");
        Assert.True(Scalar(BlobIndexBytes) < 200, $"{Scalar(BlobIndexBytes)} bytes of blob index data left of {blobsBefore}");
        Assert.Equal(0L, Scalar("SELECT count(*) FROM search_index_idx;"));
        Assert.Empty((await _workspace.JsonAsync("session", "search", "DateParser")).GetProperty("items").EnumerateArray());
        await _workspace.RunOkAsync("db", "check");
    }

    [Fact]
    public async Task A_new_database_is_created_with_incremental_auto_vacuum()
    {
        await _workspace.RunOkAsync("db", "migrate");
        Assert.Equal(2L, Scalar("PRAGMA auto_vacuum;"));
    }

    public void Dispose() => _workspace.Dispose();

    private long FilesSize()
        => new FileInfo(_workspace.DatabasePath).Length + (File.Exists(_workspace.DatabasePath + "-wal") ? new FileInfo(_workspace.DatabasePath + "-wal").Length : 0);

    private long Scalar(string sql, string? id = null)
    {
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        if (id is not null)
        {
            command.Parameters.AddWithValue("$id", id);
        }

        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A workspace folder copied with <c>cp -r</c> (<c>.agent/</c> included) through the real binary and a real PostgreSQL:
/// the copy shares the original's workspace id, and both change a synced session. Since workspace schema 1.8.0 the copy's
/// change built on its own version is reported by <c>db sync</c> as a conflict and audited in <c>sync_conflicts</c>,
/// instead of silently overwriting the original's version with the same number (docs/postgres.md, "Copied workspace folders").
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class CopiedWorkspaceSyncTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _original = new();
    private readonly CliWorkspace _copy = new();

    [Fact]
    public async Task Db_sync_in_a_copied_workspace_reports_a_conflict_instead_of_overwriting_the_originals_change()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _original.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _copy.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _original.RunOkAsync("demo");
        await _original.RunOkAsync("db", "sync");
        string id = Assert.Single(await _original.SessionIdsAsync());
        CopyDirectory(Path.Combine(_original.Root, ".agent"), Path.Combine(_copy.Root, ".agent"));

        // The copy's change is made first, so it loses the first conflict to the original's.
        await SessionEdit.RetitleAsync(_copy, id, "title from the copy");
        await SessionEdit.RetitleAsync(_original, id, "title from the original");
        Assert.Contains("0 conflict(s);", (await _original.RunOkAsync("db", "sync")).Stdout, StringComparison.Ordinal);
        Assert.Contains("1 conflict(s) (0 won, 1 lost)", (await _copy.RunOkAsync("db", "sync")).Stdout, StringComparison.Ordinal);

        // The copy builds on its own version: the same version number as the original's, from the same workspace id.
        await SessionEdit.RetitleAsync(_copy, id, "the copy's next title");
        AcodeResult sync = await _copy.RunOkAsync("db", "sync", "--json");

        using JsonDocument result = JsonDocument.Parse(sync.Stdout);
        Assert.True(result.RootElement.GetProperty("conflicts").GetInt64() == 1, sync.Stdout);
        Assert.Equal(1, result.RootElement.GetProperty("conflictsWon").GetInt64());
        Assert.Equal(
            ["title from the original|the copy's next title|incoming"],
            await PostgresSql.RowsAsync(connectionString, "SELECT existing_payload->>'title', incoming_payload->>'title', winner FROM sync_conflicts WHERE incoming_payload->>'title' = 'the copy''s next title'"));
        Assert.Equal(["2"], await PostgresSql.RowsAsync(connectionString, "SELECT count(*) FROM sync_conflicts"));
    }

    [Fact]
    [Trait("Issue", "copylost")]
    public async Task The_copy_whose_applied_change_lost_to_the_other_copys_later_change_is_told_on_its_next_sync_once()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _original.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _copy.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _original.RunOkAsync("demo");
        await _original.RunOkAsync("db", "sync");
        string id = Assert.Single(await _original.SessionIdsAsync());
        CopyDirectory(Path.Combine(_original.Root, ".agent"), Path.Combine(_copy.Root, ".agent"));

        // Both copies change the session; the copy's change is the later one. The original's is applied first, then the
        // copy's sync finds the conflict and wins it (and moves the shared workspace id's last_sync_at past it).
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await SessionEdit.RetitleAsync(_original, id, "title from the original", now);
        await SessionEdit.RetitleAsync(_copy, id, "title from the copy", now.AddSeconds(30));
        Assert.Contains("1 applied", (await _original.RunOkAsync("db", "sync")).Stdout, StringComparison.Ordinal);
        Assert.Contains("1 conflict(s) (1 won, 0 lost)", (await _copy.RunOkAsync("db", "sync")).Stdout, StringComparison.Ordinal);

        AcodeResult told = await _original.RunOkAsync("db", "sync");
        AcodeResult after = await _original.RunOkAsync("db", "sync", "--json");
        AcodeResult copyAfter = await _copy.RunOkAsync("db", "sync", "--json");

        Assert.Contains($"1 of your change(s) lost to newer versions in PostgreSQL (session {id})", told.Stdout, StringComparison.Ordinal);
        Assert.Contains("since this workspace's last sync", told.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Run 'acode session pull {id}'", told.Stdout, StringComparison.Ordinal);

        // Said once, and only to the copy that lost.
        foreach (AcodeResult quiet in new[] { after, copyAfter })
        {
            using JsonDocument again = JsonDocument.Parse(quiet.Stdout);
            Assert.True(again.RootElement.GetProperty("conflictsLost").GetInt64() == 0, quiet.Stdout);
            Assert.Empty(again.RootElement.GetProperty("lostSessions").EnumerateArray());
        }

        // The hint works: the pull takes the copy's version.
        await _original.RunOkAsync("session", "pull", id);
        JsonElement shown = await _original.JsonAsync("session", "show", id);
        Assert.Equal("title from the copy", shown.EnumerateArray().Single(e => e.GetProperty("entity").GetString() == "Session").GetProperty("title").GetString());
    }

    public void Dispose()
    {
        _original.Dispose();
        _copy.Dispose();
    }

    /// <summary>What <c>cp -r</c> does: every file and folder, byte for byte.</summary>
    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string directory in Directory.GetDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}

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

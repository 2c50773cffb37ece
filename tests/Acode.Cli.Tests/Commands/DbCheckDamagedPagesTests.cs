using System.Buffers.Binary;
using Acode.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Damage in the data pages (a leaf of <c>tool_calls</c> overwritten) is what <c>acode db check</c> is for: the report
/// shows what <c>PRAGMA integrity_check</c> found and every other check, a check that cannot read the damaged pages says
/// so in its line, and the command exits 1 with advice — not ACODE-DB-002 in place of the report.
/// </summary>
public sealed class DbCheckDamagedPagesTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Check_reports_damaged_data_pages_instead_of_failing_on_them()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "30");
        int pageSize;
        long leaf;
        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
            command.CommandText = "SELECT (SELECT page_size FROM pragma_page_size()), (SELECT rootpage FROM sqlite_schema WHERE name = 'tool_calls');";
            using SqliteDataReader reader = command.ExecuteReader();
            reader.Read();
            pageSize = reader.GetInt32(0);
            leaf = RightmostLeaf(_workspace.DatabasePath, pageSize, reader.GetInt64(1));
        }

        using (FileStream file = File.Open(_workspace.DatabasePath, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = ((leaf - 1) * pageSize) + 3000;
            file.Write(Enumerable.Repeat(new byte[] { 0xde, 0xad, 0xbe, 0xef }, 200).SelectMany(b => b).ToArray());
        }

        AcodeResult check = await _workspace.RunAsync("db", "check");

        Assert.Equal(1, check.ExitCode);
        Assert.DoesNotContain("ACODE-DB-002", check.Stderr, StringComparison.Ordinal);
        Assert.Contains("FAIL integrity", check.Stdout, StringComparison.Ordinal);
        Assert.Contains($"page {leaf}", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL foreign keys", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("could not be done, the pages it reads are damaged", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("schema", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("The file is damaged: copy it aside", check.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// Noise over the root page of an index stops <c>PRAGMA integrity_check</c> itself ("database disk image is
    /// malformed"): the report still comes, each table checked alone and the damaged ones named, with exit 1 and the
    /// JSON document (it was ACODE-DB-002, exit 12, suggesting the file might be another program's).
    /// </summary>
    [Fact]
    public async Task Check_reports_damage_that_stops_the_integrity_check_itself_table_by_table()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "30");
        PageNoise.OverwriteRootPage(_workspace.DatabasePath, "ix_tool_calls_session");

        byte[] damaged = File.ReadAllBytes(_workspace.DatabasePath);
        AcodeResult check = await _workspace.RunAsync("db", "check");
        AcodeResult json = await _workspace.RunAsync("db", "check", "--json");
        AcodeResult recount = await _workspace.RunAsync("db", "check", "--recount");
        AcodeResult recountJson = await _workspace.RunAsync("db", "check", "--recount", "--json");

        // --recount writes nothing into a file whose pages are damaged (it was ACODE-DB-002, exit 12, without a report).
        Assert.True(recount.ExitCode == 1, recount.ToString());
        Assert.Contains("Nothing was rebuilt: the file's pages are damaged (see the integrity line)", recount.Stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL integrity", recount.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, recountJson.ExitCode);
        Assert.StartsWith("Nothing was rebuilt", System.Text.Json.JsonDocument.Parse(recountJson.Stdout).RootElement.GetProperty("recount").GetProperty("refused").GetString(), StringComparison.Ordinal);
        Assert.Equal(damaged, File.ReadAllBytes(_workspace.DatabasePath));

        Assert.Equal(1, check.ExitCode);
        Assert.Equal("", check.Stderr);
        Assert.Contains("FAIL integrity     PRAGMA integrity_check could not finish", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("tool_calls: ", check.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("sessions: ", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("The file is damaged: copy it aside", check.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        Assert.False(System.Text.Json.JsonDocument.Parse(json.Stdout).RootElement.GetProperty("healthy").GetBoolean());
    }

    /// <summary>
    /// Follows the right-most child pointers from a table b-tree's root to its last leaf (the SQLite file format, section
    /// 1.6: an interior table page has type 5 and its right-most pointer at offset 8; a leaf has type 13).
    /// </summary>
    private static long RightmostLeaf(string path, int pageSize, long page)
    {
        byte[] buffer = new byte[pageSize];
        using FileStream file = File.OpenRead(path);
        while (true)
        {
            file.Position = (page - 1) * pageSize;
            file.ReadExactly(buffer);
            int header = page == 1 ? 100 : 0;
            switch (buffer[header])
            {
                case 13:
                    return page;
                case 5:
                    page = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(header + 8, 4));
                    break;
                default:
                    throw new InvalidOperationException($"page {page} is not a table b-tree page (type {buffer[header]})");
            }
        }
    }
}

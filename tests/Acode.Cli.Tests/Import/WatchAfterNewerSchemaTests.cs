using System.Diagnostics;
using Acode.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// A running <c>acode import --watch</c> whose workspace a newer acode migrates meanwhile writes nothing more: its next
/// write finds the newer schema and the watcher stops with ACODE-DB-004 (exit 14), as a new process would.
/// </summary>
public sealed class WatchAfterNewerSchemaTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("AC", "AC-013")]
    public async Task The_watcher_stops_with_ACODE_DB_004_instead_of_writing_into_a_newer_schema()
    {
        string folder = Path.Combine(_workspace.Root, "live");
        Directory.CreateDirectory(folder);
        byte[] content = await File.ReadAllBytesAsync(TranscriptFixtures.ClaudeFile);
        int third = Array.IndexOf(content, (byte)'\n', content.Length / 3) + 1;
        string file = Path.Combine(folder, TranscriptFixtures.ClaudeSessionId + ".jsonl");
        await File.WriteAllBytesAsync(file, content[..third]);
        using Process watch = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "import", "claude-code", folder, "--watch");
        Task<string> errors = watch.StandardError.ReadToEndAsync();
        try
        {
            long before = await WaitForRowsAsync();
            Execute("INSERT INTO schema_version VALUES ('9.0.0', 'FromTheFuture', 'abc', '2030-01-01T00:00:00.0000000Z'); CREATE TABLE future_notes (x TEXT) STRICT;");
            await using (FileStream append = new(file, FileMode.Append))
            {
                await append.WriteAsync(content.AsMemory(third));
            }

            await watch.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

            Assert.Equal(14, watch.ExitCode);
            Assert.Contains("ACODE-DB-004", await errors, StringComparison.Ordinal);
            Assert.Contains("9.0.0", await errors, StringComparison.Ordinal);
            Assert.Equal(before, Rows());
        }
        finally
        {
            if (!watch.HasExited)
            {
                watch.Kill(entireProcessTree: true);
            }
        }
    }

    private async Task<long> WaitForRowsAsync()
    {
        for (int attempt = 0; attempt < 600; attempt++)
        {
            if (File.Exists(_workspace.DatabasePath) && Rows() > 0)
            {
                // Written once; wait for a quiet moment so that the count is the first pass's whole import.
                await Task.Delay(1000);
                return Rows();
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("acode import --watch did not record the transcript within two minutes.");
    }

    private long Rows()
    {
        try
        {
            using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT count(*) FROM session_tasks) + (SELECT count(*) FROM steps) + (SELECT count(*) FROM tool_calls) + (SELECT count(*) FROM session_events);";
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0; // not created yet
        }
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _workspace.Dispose();
}

using System.Diagnostics;
using System.Text.Json;
using Acode.Application.Options;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Issue 10.1 end to end: a long-lived writer saves while another process (the sqlite3 shell) holds one read transaction
/// open. <c>acode db check</c> reports the oversized WAL and what holds it (exit 1); once the reader ends, the check finds
/// the WAL back within its bound (exit 0). Sizes are asserted, never times.
/// </summary>
public sealed class DbCheckWalTests : IDisposable
{
    private const int LimitMegabytes = 1;
    private const long LimitBytes = LimitMegabytes * 1024L * 1024L;

    private readonly CliWorkspace _workspace = new();

    public DbCheckWalTests() => _workspace.Environment["ACODE_PERSISTENCE__SQLITE__WALSIZELIMITMEGABYTES"] = LimitMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    [Trait("Issue", "10.1")]
    public async Task Check_reports_a_WAL_held_by_another_process_and_passes_once_the_reader_ends()
    {
        await _workspace.RunOkAsync("db", "migrate");
        var options = new SqliteOptions { WalSizeLimitMegabytes = LimitMegabytes, Synchronous = SqliteSynchronous.Normal };
        using SqliteWorkspaceDatabase writer = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root), options);
        var store = new SqliteRunStateStore(writer);
        Session session = Session.Create("long-lived writer");
        Step step = session.AddTask("work").AddStep("tools");
        step.Start();
        await store.SaveAsync(session);

        using (Process reader = StartReader())
        {
            for (int i = 0; i < 200; i++)
            {
                ToolCall call = step.AddToolCall("read_file", "{}");
                call.Start();
                call.Succeed(new string('r', 4096));
                await store.SaveAsync(session);
            }

            Assert.True(WalBytes() > 3 * LimitBytes, $"precondition: the held reader let the WAL grow past 3 MiB (it is {WalBytes():N0} bytes)");
            AcodeResult held = await _workspace.RunAsync("db", "check");

            Assert.Equal(0, held.ExitCode); // a warning: the data is sound and the WAL shrinks once the reader ends
            Assert.Contains("WARN wal", held.Stdout, StringComparison.Ordinal);
            Assert.Contains("healthy, with a warning", held.Stdout, StringComparison.Ordinal);
            Assert.Contains("above its bound of 1.0 MiB", held.Stdout, StringComparison.Ordinal);
            Assert.Contains("read transaction", held.Stdout, StringComparison.Ordinal);
            Assert.Contains("another process", held.Stdout, StringComparison.Ordinal);
            Assert.Contains("End that transaction or close that program", held.Stdout, StringComparison.Ordinal);

            await reader.StandardInput.WriteLineAsync("COMMIT;");
            await reader.StandardInput.WriteLineAsync(".quit");
            await reader.WaitForExitAsync();
            Assert.Equal(0, reader.ExitCode);
        }

        AcodeResult released = await _workspace.RunOkAsync("db", "check", "--json");

        JsonElement walCheck = JsonDocument.Parse(released.Stdout).RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "wal");
        Assert.True(walCheck.GetProperty("ok").GetBoolean(), walCheck.GetProperty("detail").GetString());
        Assert.False(walCheck.GetProperty("warning").GetBoolean(), walCheck.GetProperty("detail").GetString());
        Assert.True(WalBytes() <= LimitBytes, $"the WAL is {WalBytes():N0} bytes once the reader ended; its bound is {LimitBytes:N0}");
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>The sqlite3 shell inside one read transaction that has read the database; it holds the WAL until it commits.</summary>
    private Process StartReader()
    {
        var start = new ProcessStartInfo("/usr/bin/sqlite3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-batch");
        start.ArgumentList.Add(_workspace.DatabasePath);
        Process reader = Process.Start(start) ?? throw new InvalidOperationException("Cannot start sqlite3.");
        reader.StandardInput.WriteLine("BEGIN; SELECT count(*) FROM sessions;");
        reader.StandardInput.Flush();
        Assert.Equal("1", reader.StandardOutput.ReadLine());
        return reader;
    }

    private long WalBytes()
    {
        var wal = new FileInfo(_workspace.DatabasePath + "-wal");
        return wal.Exists ? wal.Length : 0;
    }
}

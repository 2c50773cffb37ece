using System.Globalization;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A workspace on a real full disk: a 4 MiB tmpfs filled by <c>acode demo</c>. Every command that fails says the disk is
/// full and to free space (not that the folder may be missing or read-only), also when the shared-memory file <c>-shm</c>
/// cannot be created (SQLITE_IOERR_SHMSIZE); <c>acode db check</c> reports the full disk instead of calling the
/// workspace healthy; a sync whose disk fills after PostgreSQL committed says what reached PostgreSQL. Mounting needs
/// root, which CI has; elsewhere the test fails and says so rather than pass unseen.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class FullDiskTests(PostgresFixture fixture) : IAsyncLifetime
{
    private const string FolderAdvice = "Check that the folder exists";

    private readonly string _mount = Directory.CreateTempSubdirectory("acode-full-").FullName;
    private bool _mounted;

    [Fact]
    public async Task Every_command_on_a_full_disk_says_the_disk_is_full_and_db_check_fails_on_it()
    {
        Assert.True(
            Environment.UserName == "root",
            "This test mounts a 4 MiB tmpfs to fill a real disk, which needs root (CI runs the tests as root). Run it as root, e.g. in the CI container.");
        await MountAsync("-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", _mount);
        _mounted = true;
        var workspace = new Dictionary<string, string?> { ["COLUMNS"] = "1000" }; // one check, one line

        AcodeResult? full = null;
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 20 && full is null; i++)
        {
            AcodeResult demo = await Acode("demo", "--sessions", "5");
            recorded.UnionWith(System.Text.RegularExpressions.Regex.Matches(demo.Stdout, @"Recorded (sess_\w+)").Select(m => m.Groups[1].Value));
            full = demo.ExitCode == 0 ? null : demo;
        }

        Assert.True(full is not null, "precondition: 20 demo runs filled the 4 MiB disk");
        AssertDiskFull(full, "demo");

        // A session the failed save left half-recorded is named, with how to remove it (trial Z: it was not said).
        string[] stored = [.. System.Text.Json.JsonDocument.Parse((await Acode("session", "list", "--json", "-n", "1000")).Stdout).RootElement
            .GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetString()!)];
        foreach (string part in stored.Where(id => !recorded.Contains(id)))
        {
            Assert.Contains($"Note: sample session {part} was recorded only in part", full.Stderr, StringComparison.Ordinal);
            Assert.Contains($"'acode session delete {part} --yes'", full.Stderr, StringComparison.Ordinal);
        }

        AcodeResult check = await Acode("db", "check");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("FAIL disk", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("disk full: ", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("the WAL holds", check.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("The database is healthy", check.Stdout, StringComparison.Ordinal);

        // With no room left even for the -shm file, opening the database fails: still a full disk, in words.
        string agent = Path.Combine(_mount, ".agent");
        File.Delete(Path.Combine(agent, "workspace.db-shm"));
        // dd writes until "No space left on device" and exits 1: the disk is then full, as wanted.
        await CommandRunner.RunDirectAsync("dd", "if=/dev/zero", $"of={Path.Combine(_mount, "filler")}", "bs=4k");
        foreach (string[] command in new[] { new[] { "db", "status" }, ["session", "list"], ["db", "check"] })
        {
            AcodeResult result = await Acode(command);
            AssertDiskFull(result, string.Join(' ', command));
            Assert.Contains("SQLITE_IOERR_SHMSIZE", result.Stderr, StringComparison.Ordinal);
        }

        // Space returns: the same commands work again and the check passes.
        File.Delete(Path.Combine(_mount, "filler"));
        await MountAsync("-o", "remount,size=64m", _mount);
        AcodeResult healthy = await Acode("db", "check");
        Assert.True(healthy.ExitCode == 0, healthy.ToString());
        Assert.Contains("The database is healthy", healthy.Stdout, StringComparison.Ordinal);

        Task<AcodeResult> Acode(params string[] args) => AcodeBinary.RunAsync(_mount, workspace, ["--workspace", _mount, .. args]);
    }

    [Fact]
    public async Task A_sync_stopped_by_a_full_disk_after_PostgreSQL_committed_says_how_many_records_reached_it()
    {
        Assert.True(Environment.UserName == "root", "This test mounts a tmpfs to fill a real disk, which needs root (CI runs the tests as root).");
        await MountAsync("-t", "tmpfs", "-o", "size=64m,mode=0755", "tmpfs", _mount);
        _mounted = true;
        string connectionString = await fixture.CreateDatabaseAsync();
        var environment = new Dictionary<string, string?>
        {
            ["COLUMNS"] = "1000",
            ["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString),
            ["ACODE_PERSISTENCE__SYNC__BATCHSIZE"] = "10", // many batches, each acknowledged in the workspace
        };
        Assert.Equal(0, (await Acode("demo", "--sessions", "150")).ExitCode);
        Assert.Equal(0, (await Acode("db", "migrate")).ExitCode);

        // Leave 256 KiB: the first claims fit, the acknowledgements that follow fill the disk (trial BA F1).
        string filler = Path.Combine(_mount, "filler");
        await CommandRunner.RunDirectAsync("dd", "if=/dev/zero", $"of={filler}", "bs=64k");
        using (var file = new FileStream(filler, FileMode.Open))
        {
            file.SetLength(Math.Max(0, file.Length - (256 * 1024)));
        }

        AcodeResult sync = await Acode("db", "sync");

        long inPostgres = await PostgresSql.CountAsync(connectionString, "SELECT count(*) FROM sync_applied");
        AssertDiskFull(sync, "db sync");
        System.Text.RegularExpressions.Match said = System.Text.RegularExpressions.Regex.Match(
            sync.Stderr, @"(\d+) record\(s\) were delivered to PostgreSQL and marked delivered here before it; (\d+) more reached PostgreSQL but could not be marked delivered here");
        Assert.True(said.Success, sync.ToString());
        Assert.Equal(inPostgres, long.Parse(said.Groups[1].Value, CultureInfo.InvariantCulture) + long.Parse(said.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.DoesNotContain("changed nothing", sync.Stderr, StringComparison.Ordinal);

        Task<AcodeResult> Acode(params string[] args) => AcodeBinary.RunAsync(_mount, environment, ["--workspace", _mount, .. args]);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_mounted)
        {
            await CommandRunner.RunDirectAsync("umount", "-l", _mount);
        }

        try
        {
            Directory.Delete(_mount, recursive: true);
        }
        catch (IOException)
        {
            // Still busy for a moment: the OS temp cleaner takes it.
        }
    }

    private static void AssertDiskFull(AcodeResult result, string command)
    {
        Assert.True(result.ExitCode == 11, $"acode {command}: {result}");
        Assert.Contains("ACODE-DB-001", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("is full", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Free at least a few MiB on that disk", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(FolderAdvice, result.Stderr, StringComparison.Ordinal);
    }

    private static async Task MountAsync(params string[] args)
    {
        (int exitCode, string output) = await CommandRunner.RunDirectAsync("mount", args);
        Assert.True(exitCode == 0, $"mount {string.Join(' ', args)}: {output}");
    }
}

using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Infrastructure;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A workspace whose folder is a real read-only mount (a bind mount of itself, remounted <c>ro</c>), read by the user who
/// owns it (root): reading works and changes nothing; what acode cannot do there is refused with ACODE-DB-001 saying the
/// file system is mounted read-only, where, and to remount it or copy the workspace, not to "run as the owner", who could
/// not write it either (docs/reliability.md, "Read-only workspaces"). Mounting needs root, which CI has; elsewhere the
/// tests fail and say so rather than pass unseen.
/// </summary>
public sealed class ReadOnlyMountTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();
    private bool _mounted;

    private string AgentDirectory => Path.Combine(_workspace.Root, ".agent");

    /// <summary>What the refusals say about the mount, with its mount point: the workspace folder itself.</summary>
    private string MountedReadOnly => $"is on a file system mounted read-only at '{_workspace.Root}'";

    [Fact]
    public async Task Reads_work_and_every_command_that_writes_says_the_mount_is_read_only_and_changes_nothing()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "2");
        string id = (await _workspace.SessionIdsAsync())[0];
        await MountReadOnlyAsync();
        IReadOnlyList<string> before = _workspace.AgentFolderSnapshot();

        JsonElement list = await _workspace.JsonAsync("session", "list");
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());
        AcodeResult status = await _workspace.RunOkAsync("db", "status");
        Assert.Contains("the file system holding the workspace is mounted read-only at", Flat(status.Stdout), StringComparison.Ordinal);
        Assert.DoesNotContain("may not write the workspace", Flat(status.Stdout), StringComparison.Ordinal);
        AcodeResult check = await _workspace.RunOkAsync("db", "check");
        Assert.Contains($"Opened read-only: the file system holding the workspace is mounted read-only at '{_workspace.Root}'", check.Stdout, StringComparison.Ordinal);
        foreach (JsonElement json in new[] { await _workspace.JsonAsync("db", "status"), await _workspace.JsonAsync("db", "check") })
        {
            Assert.True(json.GetProperty("readOnly").GetBoolean());
            Assert.Equal("mount", json.GetProperty("readOnlyCause").GetString());
            Assert.Equal(_workspace.Root, json.GetProperty("readOnlyMountPoint").GetString());
        }

        // A current workspace has nothing to migrate, read-only or not (trial AR 4).
        AcodeResult migrate = await _workspace.RunOkAsync("db", "migrate");
        Assert.Contains("nothing to migrate", migrate.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, _workspace.AgentFolderSnapshot());

        foreach (string command in new[] { $"session delete {id} --yes", "demo", "db check --recount" })
        {
            AcodeResult result = await _workspace.RunAsync(command.Split(' '));

            Assert.True(result.ExitCode == 11, $"acode {command}: {result}");
            Assert.Contains("ACODE-DB-001", result.Stderr, StringComparison.Ordinal);
            Assert.Contains(MountedReadOnly + ": it was opened for reading only, and this command writes to it. Nothing was changed.", result.Stderr, StringComparison.Ordinal);
            Assert.Contains($"Try: Remount it read-write (as root: 'mount -o remount,rw {_workspace.Root}') and run the command again, or copy the workspace to a folder on a writable file system", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("Reading works as it is", result.Stderr, StringComparison.Ordinal);
            AssertNoPermissionAdvice(result);
            Assert.Equal(before, _workspace.AgentFolderSnapshot());
        }

        Assert.Equal(2, (await _workspace.JsonAsync("session", "list")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Changes_in_a_wal_without_its_shm_on_a_read_only_mount_are_refused_with_remount_advice()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "2");
        LeaveChangeInWalWithoutShm();
        await MountReadOnlyAsync();
        IReadOnlyList<string> before = _workspace.AgentFolderSnapshot();

        AcodeResult result = await _workspace.RunAsync("session", "list");

        Assert.True(result.ExitCode == 11, result.ToString());
        Assert.Contains("ACODE-DB-001", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(MountedReadOnly + ", and the workspace has changes in its write-ahead log", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("which is missing and cannot be created on a read-only file system", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Try: Remount it read-write (as root: 'mount -o remount,rw {_workspace.Root}') and run any acode command there", result.Stderr, StringComparison.Ordinal);
        AssertNoPermissionAdvice(result);
        Assert.Equal(before, _workspace.AgentFolderSnapshot());
    }

    [Fact]
    public async Task A_workspace_at_an_older_schema_on_a_read_only_mount_cannot_be_migrated_there_and_says_to_remount()
    {
        IReadOnlyList<Migration> older = [.. ShippedSchema.Sqlite.Take(ShippedSchema.Sqlite.Count - 1)];
        using (SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root), migrations: older))
        {
        }

        SqliteConnection.ClearAllPools();
        await MountReadOnlyAsync();
        IReadOnlyList<string> before = _workspace.AgentFolderSnapshot();

        foreach (string[] command in new[] { new[] { "session", "list" }, ["db", "migrate"] })
        {
            AcodeResult result = await _workspace.RunAsync(command);

            Assert.True(result.ExitCode == 11, $"acode {string.Join(' ', command)}: {result}");
            Assert.Contains("ACODE-DB-001", result.Stderr, StringComparison.Ordinal);
            Assert.Contains($"is at schema version {older[^1].VersionText}", result.Stderr, StringComparison.Ordinal);
            Assert.Contains($"it is on a file system mounted read-only at '{_workspace.Root}', so it cannot be migrated here and was not changed.", result.Stderr, StringComparison.Ordinal);
            Assert.Contains($"Try: Remount it read-write (as root: 'mount -o remount,rw {_workspace.Root}') and run 'acode db migrate' in that workspace, then read again", result.Stderr, StringComparison.Ordinal);
            AssertNoPermissionAdvice(result);
            Assert.Equal(before, _workspace.AgentFolderSnapshot());
        }
    }

    [Fact]
    public async Task A_workspace_cannot_be_created_on_a_read_only_mount_and_the_error_says_to_remount()
    {
        await MountReadOnlyAsync();

        AcodeResult result = await _workspace.RunAsync("demo");

        Assert.True(result.ExitCode == 11, result.ToString());
        Assert.Contains("ACODE-DB-001", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"the file system that would hold it is mounted read-only at '{_workspace.Root}', so no workspace can be created there. Nothing was written.", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Try: Remount it read-write (as root: 'mount -o remount,rw {_workspace.Root}') and run the command again, or run acode in a folder on a writable file system", result.Stderr, StringComparison.Ordinal);
        AssertNoPermissionAdvice(result);
        Assert.False(Directory.Exists(AgentDirectory));
    }

    public void Dispose()
    {
        if (_mounted && CommandRunner.RunDirectAsync("umount", _workspace.Root).GetAwaiter().GetResult().ExitCode != 0)
        {
            // Still busy for a moment (a child process): detach it now, the kernel finishes when it is free.
            CommandRunner.RunDirectAsync("umount", "-l", _workspace.Root).GetAwaiter().GetResult();
        }

        _workspace.Dispose();
    }

    /// <summary>
    /// Makes the workspace folder a read-only mount: a bind mount of itself, remounted read-only (the file system under it
    /// stays writable, so the folder can be removed after <c>umount</c>).
    /// </summary>
    private async Task MountReadOnlyAsync()
    {
        Assert.True(
            Environment.UserName == "root",
            "This test bind-mounts the workspace read-only, which needs root (CI runs the tests as root). Run it as root, e.g. in the CI container.");
        await MountAsync("--bind", _workspace.Root, _workspace.Root);
        _mounted = true;
        await MountAsync("-o", "remount,ro,bind", _workspace.Root);
        Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(_workspace.Root, "probe"), "x"));
    }

    private static async Task MountAsync(params string[] args)
    {
        (int exitCode, string output) = await CommandRunner.RunDirectAsync("mount", args);
        Assert.True(exitCode == 0, $"Cannot mount for this test (it needs root and mount(8) with bind mounts): mount {string.Join(' ', args)}: {output}");
    }

    /// <summary>Replaces the database with a copy taken while a change was committed to its WAL and not yet checkpointed, and no <c>-shm</c>.</summary>
    private void LeaveChangeInWalWithoutShm()
    {
        string copy = Directory.CreateTempSubdirectory("acode-romount-copy-").FullName;
        try
        {
            string connectionString = new SqliteConnectionStringBuilder { DataSource = _workspace.DatabasePath, Pooling = false }.ToString();
            using (var connection = new SqliteConnection(connectionString))
            {
                connection.Open();
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_autocheckpoint = 0; UPDATE sessions SET title = 'Renamed in the WAL only';";
                Assert.True(command.ExecuteNonQuery() > 0);
                File.Copy(_workspace.DatabasePath, Path.Combine(copy, "workspace.db"));
                File.Copy(_workspace.DatabasePath + "-wal", Path.Combine(copy, "workspace.db-wal"));
            }

            foreach (string suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_workspace.DatabasePath + suffix);
            }

            File.Move(Path.Combine(copy, "workspace.db"), _workspace.DatabasePath);
            File.Move(Path.Combine(copy, "workspace.db-wal"), _workspace.DatabasePath + "-wal");
            Assert.True(new FileInfo(_workspace.DatabasePath + "-wal").Length > 0);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>Neither the permission text nor its advice: on a read-only mount no user may write, its owner included.</summary>
    private static void AssertNoPermissionAdvice(AcodeResult result)
    {
        Assert.DoesNotContain("read-only to this user", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("owner", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("SQLite Error", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A table's text as one line: its cells may wrap.</summary>
    private static string Flat(string text) => string.Join(' ', text.Split([' ', '\n', '│'], StringSplitOptions.RemoveEmptyEntries));
}

using System.Diagnostics;
using System.Text.Json;
using Acode.Cli.Tests.Import;
using Acode.Cli.Tests.Support;
using Acode.Infrastructure;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A workspace this user may not write (a backup, a read-only mount, another user's folder): the commands that only read
/// work and change no byte of the database, its <c>-wal</c> or <c>-shm</c> (nor create one); those that write refuse with
/// ACODE-DB-001 and say what to do (docs/reliability.md, "Read-only workspaces"). Root ignores permission bits, so acode runs
/// as the OS user <c>nobody</c> when the tests run as root (<see cref="CommandRunner"/>), as this user otherwise.
/// </summary>
public sealed class ReadOnlyWorkspaceTests : IDisposable
{
    private const string WalOnlyTitle = "Renamed in the WAL only";

    /// <summary>Nothing listens on port 1: db sync gets this far, and must stop at the workspace.</summary>
    private const string DeadPostgres = "postgresql://acode@127.0.0.1:1/acode";

    private const UnixFileMode WriteBits = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private static readonly CommandRunner Reader = CommandRunner.For("nobody");

    private readonly CliWorkspace _workspace = new();

    private string AgentDirectory => Path.Combine(_workspace.Root, ".agent");

    /// <summary>Commands that write: each is refused before it changes anything.</summary>
    public static TheoryData<string> WritingCommands => new()
    {
        "session delete {id} --yes",
        "db prune --older-than 1d --include-unsynced --yes",
        "db check --recount",
        "db sync",
        "db sync retry --all",
        "demo",
        "session import {golden}",
    };

    [Fact]
    public async Task Every_read_command_works_when_the_folder_is_read_only_and_there_is_no_wal()
    {
        string id = await DemoAsync();
        Assert.False(File.Exists(_workspace.DatabasePath + "-wal"));
        await HandOverReadOnlyAsync();

        await AssertReadsWorkAsync(id, expectedTitle: null, WorkspaceAccess.Immutable);
    }

    [Fact]
    public async Task Every_read_command_works_with_a_leftover_empty_wal()
    {
        string id = await DemoAsync();
        await File.WriteAllBytesAsync(_workspace.DatabasePath + "-wal", []);
        await HandOverReadOnlyAsync();

        await AssertReadsWorkAsync(id, expectedTitle: null, WorkspaceAccess.Immutable);
    }

    [Fact]
    public async Task A_copy_of_a_live_workspace_with_its_wal_and_shm_is_read_with_the_changes_in_its_wal()
    {
        string id = await DemoAsync();
        CopyWithChangeInWal(id, keepShm: true);
        await HandOverReadOnlyAsync();

        await AssertReadsWorkAsync(id, expectedTitle: WalOnlyTitle, WorkspaceAccess.ReadOnly);
    }

    [Fact]
    public async Task Changes_in_a_wal_without_its_shm_are_refused_with_advice_instead_of_being_silently_missed()
    {
        string id = await DemoAsync();
        CopyWithChangeInWal(id, keepShm: false);
        await HandOverReadOnlyAsync();
        IReadOnlyList<string> before = _workspace.AgentFolderSnapshot();

        foreach (string[] command in new[] { new[] { "session", "list" }, ["session", "show", id], ["db", "status"] })
        {
            AcodeResult result = await ReadAsync(command);

            Assert.True(result.ExitCode == 11, $"acode {string.Join(' ', command)}: {result}");
            Assert.Contains("ACODE-DB-001", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("write-ahead log", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("run any acode command there as its owner", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("SQLite Error", result.Stderr, StringComparison.Ordinal);
            Assert.Equal(before, _workspace.AgentFolderSnapshot());
        }
    }

    [Theory]
    [MemberData(nameof(WritingCommands))]
    public async Task A_command_that_writes_is_refused_with_ACODE_DB_001_and_advice_and_changes_nothing(string command)
    {
        string id = await DemoAsync();
        await HandOverReadOnlyAsync();
        IReadOnlyList<string> before = _workspace.AgentFolderSnapshot();
        if (command.StartsWith("db sync", StringComparison.Ordinal))
        {
            _workspace.Environment["ACODE_POSTGRES_URL"] = DeadPostgres;
        }

        string[] args = command.Replace("{id}", id, StringComparison.Ordinal).Split(' ')
            .Select(a => a == "{golden}" ? Path.Combine(TranscriptFixtures.Root, "import.golden.jsonl") : a).ToArray();
        AcodeResult result = await ReadAsync(args);

        Assert.True(result.ExitCode == 11, $"acode {command}: {result}");
        Assert.Contains("ACODE-DB-001", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("is read-only to this user", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Run the command as a user who may write", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("SQLite Error", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, _workspace.AgentFolderSnapshot());
        Assert.Equal(2, (await ReadJsonAsync("session", "list")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_read_only_workspace_at_an_older_schema_is_refused_with_the_pending_version_and_advice()
    {
        IReadOnlyList<Migration> older = ShippedSchema.Sqlite.Take(ShippedSchema.Sqlite.Count - 1).ToList();
        using (SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root), migrations: older))
        {
        }

        SqliteConnection.ClearAllPools();
        await HandOverReadOnlyAsync();
        IReadOnlyList<string> before = _workspace.AgentFolderSnapshot();

        AcodeResult list = await ReadAsync("session", "list");

        Assert.True(list.ExitCode == 11, list.ToString());
        Assert.Contains("ACODE-DB-001", list.Stderr, StringComparison.Ordinal);
        Assert.Contains($"schema version {older[^1].VersionText}", list.Stderr, StringComparison.Ordinal);
        Assert.Contains($"pending: {ShippedSchema.Latest}", list.Stderr, StringComparison.Ordinal);
        Assert.Contains("Run 'acode db migrate' in that workspace as a user who may write '.agent/' and its files (the workspace's owner), then read again", list.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, _workspace.AgentFolderSnapshot());

        // What needs no migration still reads it: the pending list.
        AcodeResult dryRun = await ReadAsync("db", "migrate", "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains($"SQLite: would apply {ShippedSchema.Sqlite[^1].Id}", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, _workspace.AgentFolderSnapshot());
    }

    [Fact]
    public async Task Db_migrate_of_a_read_only_workspace_that_is_current_has_nothing_to_do_and_succeeds()
    {
        // Trial AR 4: exit 11 ("this command writes to it") where --dry-run said "nothing to migrate".
        await DemoAsync();
        await HandOverReadOnlyAsync();
        IReadOnlyList<string> before = _workspace.AgentFolderSnapshot();

        AcodeResult migrate = await ReadAsync("db", "migrate");

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Contains($"nothing to migrate: the database is at {ShippedSchema.Latest}, the latest version.", migrate.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, _workspace.AgentFolderSnapshot());
    }

    [Fact]
    public async Task Db_migrate_of_a_read_only_workspace_at_an_older_schema_does_not_promise_that_reading_works()
    {
        IReadOnlyList<Migration> older = [.. ShippedSchema.Sqlite.Where(m => m.Version <= new Version(1, 2, 0))];
        using (SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root), migrations: older))
        {
        }

        SqliteConnection.ClearAllPools();
        await HandOverReadOnlyAsync();
        IReadOnlyList<string> before = _workspace.AgentFolderSnapshot();

        AcodeResult migrate = await ReadAsync("db", "migrate");
        AcodeResult status = await ReadAsync("db", "status");

        Assert.True(migrate.ExitCode == 11, migrate.ToString());
        Assert.Contains("ACODE-DB-001", migrate.Stderr, StringComparison.Ordinal);
        Assert.Contains($"is at schema version 1.2.0 and this acode reads version {ShippedSchema.Latest}", migrate.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Run 'acode db migrate' in that workspace as a user who may write '.agent/' and its files (the workspace's owner), then read again", migrate.Stderr, StringComparison.Ordinal);
        Assert.Contains("or read it with an acode of the matching version (one whose newest schema is 1.2.0)", migrate.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Reading works as it is", migrate.Stderr, StringComparison.Ordinal);
        // As the Try line says: this acode does not read it either until it is migrated.
        Assert.True(status.ExitCode == 11, status.ToString());
        Assert.Contains("so it cannot be migrated here", status.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, _workspace.AgentFolderSnapshot());
    }

    [Fact]
    public async Task A_read_only_file_in_a_writable_folder_is_read_without_creating_a_wal_or_shm_next_to_it()
    {
        string id = await DemoAsync();
        await HandOverReadOnlyAsync(folderWritable: true);

        await AssertReadsWorkAsync(id, expectedTitle: null, WorkspaceAccess.Immutable);
        Assert.Equal(["workspace.db"], Directory.GetFileSystemEntries(AgentDirectory).Select(f => Path.GetFileName(f)!).ToList());
    }

    [Fact]
    public async Task The_viewer_shows_a_read_only_workspace_and_changes_nothing()
    {
        await DemoAsync();
        await HandOverReadOnlyAsync();
        IReadOnlyList<string> before = _workspace.AgentFolderSnapshot();

        using Process ui = AcodeBinary.Start(Reader, _workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "ui", "--no-open");
        try
        {
            string url = await ViewerUrlAsync(ui);
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            string page = await client.GetStringAsync(new Uri(url));

            Assert.Contains("Fix flaky date parsing test", page, StringComparison.Ordinal);
            Assert.Equal(before, _workspace.AgentFolderSnapshot());
        }
        finally
        {
            ui.Kill(entireProcessTree: true);
            await ui.WaitForExitAsync();
        }

        Assert.Equal(before, _workspace.AgentFolderSnapshot());
    }

    [Fact]
    public async Task The_viewer_of_a_workspace_read_as_an_immutable_file_shows_what_its_owner_wrote_since_not_stale_or_corrupt_pages()
    {
        // trial Z: SQLite trusts an immutable file never to change, so the viewer's readers kept the pages they had read:
        // what the owner wrote later was not shown, or a read mixing both states was called a corrupt file to restore.
        await DemoAsync();
        await HandOverReadOnlyAsync();
        string transcript = Path.Combine(_workspace.Root, "later.jsonl");
        await File.WriteAllTextAsync(transcript, """{"type":"user","uuid":"u1","timestamp":"2026-12-01T10:00:00Z","message":{"role":"user","content":"Written by the owner later"}}""" + "\n");

        using Process ui = AcodeBinary.Start(Reader, _workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "ui", "--no-open");
        try
        {
            string url = await ViewerUrlAsync(ui);
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            string before = await client.GetStringAsync(new Uri(url));
            Assert.DoesNotContain("Written by the owner later", before, StringComparison.Ordinal);

            // The owner (this process's user, who may write it) adds a session; its close checkpoints the WAL into the file.
            await _workspace.RunOkAsync("import", "claude-code", transcript);
            await _workspace.RunOkAsync("demo", "--sessions", "3");

            using HttpResponseMessage after = await client.GetAsync(new Uri(url));
            string page = await after.Content.ReadAsStringAsync();
            Assert.True(after.IsSuccessStatusCode, page);
            Assert.Contains("Written by the owner later", page, StringComparison.Ordinal);
        }
        finally
        {
            ui.Kill(entireProcessTree: true);
            await ui.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Db_status_of_a_read_only_file_in_rollback_journal_mode_says_so_from_its_header_not_wal()
    {
        await DemoAsync();
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _workspace.DatabasePath, Pooling = false }.ToString()))
        {
            // As a backup tool may leave a copy: the file itself in rollback-journal mode (header bytes 18-19 = 1).
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = DELETE;";
            Assert.Equal("delete", command.ExecuteScalar());
        }

        await HandOverReadOnlyAsync();
        IReadOnlyList<string> before = _workspace.AgentFolderSnapshot();

        JsonElement status = await ReadJsonAsync("db", "status");
        AcodeResult text = await ReadOkAsync("db", "status");

        Assert.Equal("Immutable", status.GetProperty("access").GetString());
        Assert.Equal("delete", status.GetProperty("sqlite").GetProperty("journalMode").GetString());
        Assert.False(status.GetProperty("sqlite").GetProperty("walInUse").GetBoolean());
        Assert.Contains("journal mode is delete", string.Join(' ', text.Stdout.Split(new[] { ' ', '\n', '│' }, StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.DoesNotContain("journal_mode=wal", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, _workspace.AgentFolderSnapshot());
    }

    [Fact]
    public async Task A_writable_workspace_opens_for_writing_as_before()
    {
        string id = await DemoAsync();

        JsonElement status = await _workspace.JsonAsync("db", "status");
        AcodeResult check = await _workspace.RunOkAsync("db", "check");
        await _workspace.RunOkAsync("session", "delete", id, "--yes");

        Assert.False(status.GetProperty("readOnly").GetBoolean());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("readOnlyCause").ValueKind);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("readOnlyMountPoint").ValueKind);
        Assert.Equal("ReadWrite", status.GetProperty("access").GetString());
        Assert.DoesNotContain("read-only", check.Stdout, StringComparison.Ordinal);
        Assert.Single(await _workspace.SessionIdsAsync());
    }

    public void Dispose()
    {
        // Give the write bits back so that the folder can be deleted by a test run that is not root.
        if (Directory.Exists(AgentDirectory))
        {
            File.SetUnixFileMode(AgentDirectory, File.GetUnixFileMode(AgentDirectory) | UnixFileMode.UserWrite);
        }

        _workspace.Dispose();
    }

    /// <summary>Every read command, as the reader, each leaving the files exactly as they were.</summary>
    /// <param name="id">A session of the workspace.</param>
    /// <param name="expectedTitle">A title only the WAL holds, or null.</param>
    /// <param name="expectedAccess">How SQLite could open it: through its -wal and -shm, or only as an immutable file.</param>
    private async Task AssertReadsWorkAsync(string id, string? expectedTitle, WorkspaceAccess expectedAccess)
    {
        IReadOnlyList<string> before = _workspace.AgentFolderSnapshot();

        JsonElement list = await ReadJsonAsync("session", "list");
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());
        if (expectedTitle is not null)
        {
            Assert.Contains(list.GetProperty("items").EnumerateArray(), i => i.GetProperty("title").GetString() == expectedTitle);
        }

        Assert.Equal(before, _workspace.AgentFolderSnapshot());

        AcodeResult show = await ReadOkAsync("session", "show", id);
        Assert.Contains(id, show.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, _workspace.AgentFolderSnapshot());

        JsonElement hits = await ReadJsonAsync("session", "search", "DateParser*");
        Assert.NotEqual(0, hits.GetProperty("items").GetArrayLength());
        Assert.Equal(before, _workspace.AgentFolderSnapshot());

        AcodeResult export = await ReadOkAsync("session", "export", id);
        Assert.Contains("\"entity\":\"Session\"", export.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, _workspace.AgentFolderSnapshot());

        JsonElement status = await ReadJsonAsync("db", "status");
        Assert.True(status.GetProperty("readOnly").GetBoolean());
        Assert.Equal("permission", status.GetProperty("readOnlyCause").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("readOnlyMountPoint").ValueKind);
        Assert.Equal(expectedAccess.ToString(), status.GetProperty("access").GetString());
        Assert.StartsWith("ws_", status.GetProperty("workspaceId").GetString(), StringComparison.Ordinal);
        Assert.Equal("wal", status.GetProperty("sqlite").GetProperty("journalMode").GetString());
        Assert.Equal(expectedAccess != WorkspaceAccess.Immutable, status.GetProperty("sqlite").GetProperty("walInUse").GetBoolean());
        Assert.Equal(before, _workspace.AgentFolderSnapshot());

        AcodeResult statusText = await ReadOkAsync("db", "status");
        Assert.Contains("Opened read-only", statusText.Stdout, StringComparison.Ordinal);
        if (expectedAccess == WorkspaceAccess.Immutable)
        {
            // Read without its WAL: saying journal_mode=wal would claim a mode SQLite does not read it in.
            Assert.Contains("immutable=1", statusText.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("journal_mode=wal", statusText.Stdout, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("journal_mode=wal", statusText.Stdout, StringComparison.Ordinal);
        }

        Assert.Equal(before, _workspace.AgentFolderSnapshot());

        AcodeResult check = await ReadOkAsync("db", "check");
        Assert.Single(check.Stdout.Split('\n'), line => line.StartsWith("Opened read-only", StringComparison.Ordinal));
        Assert.Contains("The database is healthy.", check.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, _workspace.AgentFolderSnapshot());
    }

    /// <summary>The URL a started <c>acode ui</c> prints (its <c>Open:</c> line); fails the test when it ends first.</summary>
    private static async Task<string> ViewerUrlAsync(Process ui)
    {
        ui.StandardInput.Close();
        Task<string> errors = ui.StandardError.ReadToEndAsync();
        while (await ui.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90)) is { } line)
        {
            if (line.StartsWith("Open: ", StringComparison.Ordinal))
            {
                return line["Open: ".Length..];
            }
        }

        Assert.Fail("acode ui ended before printing its URL: " + await errors);
        return string.Empty;
    }

    /// <summary><c>acode demo --sessions 2</c> as this user; the id of one of its sessions.</summary>
    private async Task<string> DemoAsync()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "2");
        return (await _workspace.SessionIdsAsync())[0];
    }

    /// <summary>
    /// Replaces the workspace's database with a copy taken while another connection had a change committed to the WAL and not
    /// yet checkpointed (as a backup of a live workspace would be): the <c>-wal</c> holds the change, with or without its <c>-shm</c>.
    /// </summary>
    private void CopyWithChangeInWal(string id, bool keepShm)
    {
        string copy = Directory.CreateTempSubdirectory("acode-ro-copy-").FullName;
        try
        {
            string connectionString = new SqliteConnectionStringBuilder { DataSource = _workspace.DatabasePath, Pooling = false }.ToString();
            using (var connection = new SqliteConnection(connectionString))
            {
                connection.Open();
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_autocheckpoint = 0; UPDATE sessions SET title = $title WHERE id = $id;";
                command.Parameters.AddWithValue("$title", WalOnlyTitle);
                command.Parameters.AddWithValue("$id", id);
                Assert.Equal(1, command.ExecuteNonQuery());
                Assert.True(new FileInfo(_workspace.DatabasePath + "-wal").Length > 0);
                foreach (string suffix in new[] { "", "-wal", "-shm" })
                {
                    File.Copy(_workspace.DatabasePath + suffix, Path.Combine(copy, "workspace.db" + suffix));
                }
            }

            foreach (string suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_workspace.DatabasePath + suffix);
                if (suffix != "-shm" || keepShm)
                {
                    File.Move(Path.Combine(copy, "workspace.db" + suffix), _workspace.DatabasePath + suffix);
                }
            }

            Assert.True(new FileInfo(_workspace.DatabasePath + "-wal").Length > 0);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>
    /// Makes <c>.agent/</c> and its files read-only to the reader: every write bit off, owned by the reader when it is another
    /// user (so that it may read them), the workspace folder open to it.
    /// </summary>
    private async Task HandOverReadOnlyAsync(bool folderWritable = false)
    {
        File.SetUnixFileMode(_workspace.Root, File.GetUnixFileMode(_workspace.Root) | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        if (Reader.SwitchesUser)
        {
            (int exitCode, string output) = await CommandRunner.RunDirectAsync("chown", ["-R", "nobody", AgentDirectory], _workspace.Root, CancellationToken.None);
            Assert.True(exitCode == 0, output);
        }

        foreach (string file in Directory.GetFiles(AgentDirectory))
        {
            File.SetUnixFileMode(file, File.GetUnixFileMode(file) & ~WriteBits);
        }

        File.SetUnixFileMode(AgentDirectory, folderWritable ? File.GetUnixFileMode(AgentDirectory) : File.GetUnixFileMode(AgentDirectory) & ~WriteBits);
    }

    private Task<AcodeResult> ReadAsync(params string[] args)
        => AcodeBinary.RunAsync(Reader, _workspace.Root, _workspace.Environment, ["--workspace", _workspace.Root, .. args]);

    private async Task<AcodeResult> ReadOkAsync(params string[] args)
    {
        AcodeResult result = await ReadAsync(args);
        Assert.True(result.ExitCode == 0, $"acode {string.Join(' ', args)} as the reader failed:\n{result}");
        return result;
    }

    private async Task<JsonElement> ReadJsonAsync(params string[] args)
    {
        AcodeResult result = await ReadOkAsync([.. args, "--json"]);
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.Clone();
    }
}

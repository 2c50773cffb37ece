using Acode.Application.Errors;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Sqlite;

public sealed class DatabaseFileTests : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_refuses_a_file_of_random_bytes_and_leaves_it_untouched()
    {
        byte[] noise = new byte[8192];
        new Random(42).NextBytes(noise);
        _temp.WriteDatabaseFile(noise);
        string before = _temp.HashDatabaseFile();

        var error = Assert.Throws<AcodeDbException>(() => _temp.Open());

        Assert.Equal(AcodeErrorCode.NotAnAcodeDatabase, error.ErrorCode);
        Assert.Equal("ACODE-DB-002", error.Code);
        Assert.Contains("left untouched", error.Message, StringComparison.Ordinal);
        AssertUntouched(before);
    }

    [Fact]
    public void Open_refuses_a_text_file_shorter_than_an_sqlite_header()
    {
        _temp.WriteDatabaseFile("just some notes\n"u8.ToArray());
        string before = _temp.HashDatabaseFile();

        var error = Assert.Throws<AcodeDbException>(() => _temp.Open());

        Assert.Equal(AcodeErrorCode.NotAnAcodeDatabase, error.ErrorCode);
        AssertUntouched(before);
    }

    [Fact]
    public void Open_refuses_the_sqlite_database_of_another_application_and_leaves_it_untouched()
    {
        Directory.CreateDirectory(_temp.Workspace.AgentDirectory);
        SqliteCli.Run(_temp.DatabasePath, "CREATE TABLE foo(x); INSERT INTO foo VALUES (1), ('two');");
        string before = _temp.HashDatabaseFile();

        var error = Assert.Throws<AcodeDbException>(() => _temp.Open());

        Assert.Equal(AcodeErrorCode.NotAnAcodeDatabase, error.ErrorCode);
        Assert.Contains("another application", error.Message, StringComparison.Ordinal);
        AssertUntouched(before);
        Assert.Equal("1|two", SqliteCli.Run(_temp.DatabasePath, "SELECT group_concat(x, '|') FROM foo;"));
    }

    [Fact]
    public void Open_refuses_a_wal_mode_database_of_another_application()
    {
        Directory.CreateDirectory(_temp.Workspace.AgentDirectory);
        SqliteCli.Run(_temp.DatabasePath, "PRAGMA journal_mode = WAL; CREATE TABLE foo(x);");
        string before = _temp.HashDatabaseFile();

        var error = Assert.Throws<AcodeDbException>(() => _temp.Open());

        Assert.Equal(AcodeErrorCode.NotAnAcodeDatabase, error.ErrorCode);
        Assert.Equal(before, _temp.HashDatabaseFile());
    }

    [Fact]
    public async Task Open_refuses_a_truncated_acode_database_at_open_or_at_check_and_leaves_it_untouched()
    {
        byte[] original;
        using (var source = new TempWorkspace())
        {
            using (SqliteWorkspaceDatabase db = source.Open())
            {
                var store = new SqliteRunStateStore(db);
                for (int i = 0; i < 20; i++)
                {
                    Session session = Session.Create($"session {i}");
                    Step step = session.AddTask("task").AddStep("step");
                    for (int c = 0; c < 50; c++)
                    {
                        step.AddToolCall("tool", $$"""{"call":{{c}}}""").Succeed(new string('r', 200));
                    }

                    await store.SaveAsync(session);
                }
            }

            Assert.False(File.Exists(source.WalPath), "precondition: the source database was checkpointed on close");
            original = await File.ReadAllBytesAsync(source.DatabasePath);
        }

        _temp.WriteDatabaseFile(original[..(original.Length / 2)]);
        string before = _temp.HashDatabaseFile();

        AcodeDbException? error = null;
        try
        {
            using SqliteWorkspaceDatabase db = _temp.Open();
            DatabaseCheckReport report = db.Check();
            Assert.False(report.IsHealthy, "a database cut in half passed the integrity check");
        }
        catch (AcodeDbException ex)
        {
            error = ex;
        }

        if (error is not null)
        {
            Assert.Equal(AcodeErrorCode.NotAnAcodeDatabase, error.ErrorCode);
        }

        Assert.Equal(before, _temp.HashDatabaseFile());
    }

    [Fact]
    public void Open_adopts_an_empty_file_as_a_new_database()
    {
        _temp.WriteDatabaseFile([]);

        using (SqliteWorkspaceDatabase db = _temp.Open())
        {
            Assert.NotNull(db.WorkspaceId);
        }

        Assert.Equal("1.0.0", SqliteProbe.Scalar(_temp.DatabasePath, "SELECT version FROM schema_version;"));
        Assert.Equal((long)DatabaseFile.ApplicationId, SqliteProbe.Scalar(_temp.DatabasePath, "PRAGMA application_id;"));
    }

    [Fact]
    public void Open_stamps_new_databases_with_the_acode_application_id()
    {
        using (_temp.Open())
        {
        }

        Assert.Equal(DatabaseFile.ApplicationId.ToString(System.Globalization.CultureInfo.InvariantCulture), SqliteCli.Run(_temp.DatabasePath, "PRAGMA application_id;"));
        Assert.Equal(DatabaseFileKind.Acode, DatabaseFile.Inspect(_temp.DatabasePath));
    }

    [Fact]
    public void Open_fails_with_CannotOpen_when_the_agent_folder_is_a_file()
    {
        File.WriteAllText(_temp.Workspace.AgentDirectory, "not a folder");

        var error = Assert.Throws<AcodeDbException>(() => _temp.Open());

        Assert.Equal(AcodeErrorCode.CannotOpen, error.ErrorCode);
        Assert.Equal("ACODE-DB-001", error.Code);
        Assert.Equal("not a folder", File.ReadAllText(_temp.Workspace.AgentDirectory));
    }

    [Fact]
    public void Inspect_tells_missing_empty_acode_foreign_and_non_sqlite_files_apart()
    {
        Assert.Equal(DatabaseFileKind.Missing, DatabaseFile.Inspect(_temp.DatabasePath));

        _temp.WriteDatabaseFile([]);
        Assert.Equal(DatabaseFileKind.EmptySqlite, DatabaseFile.Inspect(_temp.DatabasePath));

        _temp.WriteDatabaseFile("SQLite format 2\0 and more text than a header needs, padded out well past one hundred bytes......."u8.ToArray());
        Assert.Equal(DatabaseFileKind.NotSqlite, DatabaseFile.Inspect(_temp.DatabasePath));

        File.Delete(_temp.DatabasePath);
        SqliteCli.Run(_temp.DatabasePath, "CREATE TABLE foo(x);");
        Assert.Equal(DatabaseFileKind.ForeignSqlite, DatabaseFile.Inspect(_temp.DatabasePath));

        Assert.Equal(DatabaseFileKind.NotSqlite, DatabaseFile.Inspect(_temp.Workspace.AgentDirectory));
    }

    [Fact]
    [Trait("AC", "AC-057")]
    public async Task Database_files_and_the_agent_folder_are_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only
        }

        using SqliteWorkspaceDatabase db = _temp.Open();
        await new SqliteRunStateStore(db).SaveAsync(TestSessions.Rich());

        Assert.Equal(DatabaseFile.OwnerOnlyDirectoryMode, File.GetUnixFileMode(_temp.Workspace.AgentDirectory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_temp.DatabasePath));
        Assert.True(File.Exists(_temp.WalPath), "precondition: the -wal file exists while the database is open");
        Assert.True(File.Exists(_temp.ShmPath), "precondition: the -shm file exists while the database is open");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_temp.WalPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_temp.ShmPath));
    }

    [Fact]
    [Trait("AC", "AC-057")]
    public void Open_tightens_companion_files_that_were_created_too_wide()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only
        }

        using (_temp.Open())
        {
        }

        File.WriteAllBytes(_temp.ShmPath, []);
        File.SetUnixFileMode(_temp.ShmPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using SqliteWorkspaceDatabase db = _temp.Open();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_temp.ShmPath));
    }

    private void AssertUntouched(string hashBefore)
    {
        Assert.Equal(hashBefore, _temp.HashDatabaseFile());
        Assert.False(File.Exists(_temp.WalPath), "a -wal file was created next to a refused database");
        Assert.False(File.Exists(_temp.ShmPath), "a -shm file was created next to a refused database");
    }
}

using System.Security.Cryptography;
using Acode.Application.Options;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;

namespace Acode.Infrastructure.Tests.Support;

/// <summary>
/// A workspace in a fresh temporary folder, one per test. Disposing it deletes the folder with its
/// <c>.agent/workspace.db</c> and the <c>-wal</c>/<c>-shm</c> files.
/// </summary>
internal sealed class TempWorkspace : IDisposable
{
    public TempWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "acode-infrastructure-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Workspace = new Workspace(Root);
    }

    public string Root { get; }

    public Workspace Workspace { get; }

    public string DatabasePath => Workspace.DatabasePath;

    public string WalPath => DatabasePath + "-wal";

    public string ShmPath => DatabasePath + "-shm";

    public SqliteWorkspaceDatabase Open(SqliteOptions? options = null, IReadOnlyList<Migration>? migrations = null, bool migrate = true)
        => SqliteWorkspaceDatabase.Open(Workspace, options ?? new SqliteOptions(), migrate: migrate, migrations: migrations);

    /// <summary>Creates <c>.agent/</c> and writes <paramref name="bytes"/> as the database file, as if another program had put it there.</summary>
    public void WriteDatabaseFile(byte[] bytes)
    {
        Directory.CreateDirectory(Workspace.AgentDirectory);
        File.WriteAllBytes(DatabasePath, bytes);
    }

    public string HashDatabaseFile() => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(DatabasePath)));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open (a failing test) must not hide the test's own failure.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

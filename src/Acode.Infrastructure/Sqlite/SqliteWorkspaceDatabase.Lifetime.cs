namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteWorkspaceDatabase
{
    /// <summary>True once <see cref="Dispose"/> has begun: observers (metrics) must not open the file again.</summary>
    internal bool IsDisposed
    {
        get
        {
            lock (_readerGate)
            {
                return _disposed;
            }
        }
    }
}

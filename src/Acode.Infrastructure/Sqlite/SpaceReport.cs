namespace Acode.Infrastructure.Sqlite;

/// <summary>What <see cref="SqliteWorkspaceDatabase.ReclaimSpaceAsync"/> did and the bytes it gave back.</summary>
/// <param name="BytesBefore">The database file plus its <c>-wal</c>, in bytes, before.</param>
/// <param name="BytesAfter">The same after the vacuum and the checkpoint.</param>
/// <param name="Conversion">Whether a database created with <c>auto_vacuum=NONE</c> was converted.</param>
/// <param name="Note">One sentence for the user when something was not done (not enough free space, the WAL held by a reader); else null.</param>
internal sealed record SpaceReport(long BytesBefore, long BytesAfter, AutoVacuumConversion Conversion, string? Note)
{
    /// <summary>Bytes given back to the file system (0 when the files grew, e.g. a conversion whose WAL is still held).</summary>
    public long BytesFreed => Math.Max(0, BytesBefore - BytesAfter);
}

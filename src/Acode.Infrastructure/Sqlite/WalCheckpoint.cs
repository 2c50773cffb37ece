namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// What one <c>PRAGMA wal_checkpoint(TRUNCATE)</c> did: <paramref name="Blocked"/> when a reader (or another process's
/// writer) kept it from resetting the WAL; <paramref name="LogFrames"/> frames were in the WAL and
/// <paramref name="CheckpointedFrames"/> of them are now in the database file (SQLite reports -1 for both on failure).
/// </summary>
internal readonly record struct WalCheckpoint(bool Blocked, long LogFrames, long CheckpointedFrames);

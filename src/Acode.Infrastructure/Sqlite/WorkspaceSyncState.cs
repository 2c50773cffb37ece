namespace Acode.Infrastructure.Sqlite;

/// <summary>A workspace's sync bookkeeping: the clock floor (UTC ticks), the last successful sync and the last error.</summary>
internal sealed record WorkspaceSyncState(long HlcFloorTicks, DateTimeOffset? LastSuccessfulSync, string? LastError);

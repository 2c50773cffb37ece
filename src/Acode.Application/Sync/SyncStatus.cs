namespace Acode.Application.Sync;

/// <summary>The sync at a glance, for <c>acode db status</c>, <c>acode db sync status</c> and health checks.</summary>
public sealed record SyncStatus(
    bool Configured,
    string? Target,
    bool? Reachable,
    string? Problem,
    long Pending,
    long DeadLetters,
    TimeSpan? OldestPendingAge,
    DateTimeOffset? LastSuccessfulSync,
    string? LastError,
    long? Conflicts,
    string? PostgresSchemaVersion);

namespace Acode.Application.Sync;

/// <summary>The sync at a glance, for <c>acode db status</c>, <c>acode db sync status</c> and health checks.</summary>
/// <remarks>
/// <see cref="Problem"/> with <see cref="Reachable"/> false: the server does not answer (or refuses the role). With
/// <see cref="Reachable"/> true: it answers, but this program cannot use its schema (ACODE-DB-004 newer, ACODE-DB-003
/// an applied migration edited); the text ends with the fix and <see cref="PostgresSchemaVersion"/> names the version found.
/// </remarks>
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

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
    string? PostgresSchemaVersion)
{
    /// <summary>The newest schema version this program knows, when the server answered with a schema it can use; null otherwise.</summary>
    public string? PostgresLatestSchemaVersion { get; init; }

    /// <summary>
    /// How many pending records another sync holds under a lease that has not expired (a sync running elsewhere, or one
    /// killed before it gave them back): a sync skips them until <see cref="LeasedUntil"/>. 0 when none are.
    /// </summary>
    public long LeasedElsewhere { get; init; }

    /// <summary>When the last lease counted in <see cref="LeasedElsewhere"/> expires (UTC); null when none are leased.</summary>
    public DateTimeOffset? LeasedUntil { get; init; }

    /// <summary>
    /// The ids of this program's migrations that PostgreSQL lacks (oldest first), when the server answered with a schema it
    /// can use: the next sync or <c>acode db migrate</c> applies them, and the readers of the team's database
    /// (<c>--remote</c>, <c>session pull</c>, <c>acode ui --remote</c>) refuse it until then. Empty otherwise.
    /// </summary>
    public IReadOnlyList<string> PostgresPendingMigrations { get; init; } = [];
}

namespace Acode.Infrastructure.Imports;

/// <summary>
/// Whether an import writes its version of a row over the one stored, the same rule on both engines
/// (docs/architecture.md, "A transcript imported over the team's version"). Ordinarily the higher version number
/// wins (an export imported again, or an older one, writes nothing). Over another copy's version of the same transcript
/// (one continued on two machines: the version <c>session pull</c> took, or in the PostgreSQL store a row another
/// workspace wrote), the two copies number their versions each on its own, so the numbers say nothing about which is
/// newer: the version later in time wins, even with a lower number. Where the stored row came from is each store's to
/// tell (<c>PulledVersions.Holds</c> in SQLite, the row's <c>origin</c> in PostgreSQL).
/// </summary>
internal static class ImportedVersionRule
{
    /// <param name="incomingVersion">The imported version's number.</param>
    /// <param name="incomingUpdatedAt">The imported version's <c>updated_at</c>.</param>
    /// <param name="storedVersion">The stored row's version number; 0 when no row is stored.</param>
    /// <param name="storedUpdatedAtTicks">The stored row's <c>updated_at</c> (its hybrid clock stamp) in UTC ticks.</param>
    /// <param name="overAnotherCopy">Whether the stored row is another copy's version of the transcript being imported.</param>
    public static bool Writes(long incomingVersion, DateTimeOffset incomingUpdatedAt, long storedVersion, long storedUpdatedAtTicks, bool overAnotherCopy)
        => overAnotherCopy ? incomingUpdatedAt.UtcTicks > storedUpdatedAtTicks : incomingVersion > storedVersion;
}

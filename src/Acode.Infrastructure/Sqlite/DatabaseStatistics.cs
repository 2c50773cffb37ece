namespace Acode.Infrastructure.Sqlite;

/// <summary>Row counts per table and file sizes in bytes.</summary>
public sealed record DatabaseStatistics(IReadOnlyDictionary<string, long> RowCounts, long DatabaseBytes, long WalBytes, long SharedMemoryBytes)
{
    /// <summary>
    /// The tables whose counter row is missing or negative, which acode's triggers never leave (damaged, or edited by
    /// hand): their <see cref="RowCounts"/> entry (0 when missing) is no count; <c>acode db check --recount</c> rebuilds it.
    /// </summary>
    public IReadOnlyList<string> UncountedTables { get; init; } = [];
}

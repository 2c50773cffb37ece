namespace Acode.Infrastructure.Sqlite;

/// <summary>Row counts per table and file sizes in bytes.</summary>
public sealed record DatabaseStatistics(IReadOnlyDictionary<string, long> RowCounts, long DatabaseBytes, long WalBytes, long SharedMemoryBytes);

namespace Acode.Application;

/// <summary>What an import wrote: rows inserted, rows replaced by a newer version, and rows left alone.</summary>
public sealed record ImportResult(int Inserted, int Updated, int Unchanged);

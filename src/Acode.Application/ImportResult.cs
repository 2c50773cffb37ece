namespace Acode.Application;

/// <summary>What an import wrote: rows inserted, rows replaced by a newer version, and rows left alone.</summary>
public sealed record ImportResult(int Inserted, int Updated, int Unchanged)
{
    /// <summary>
    /// <c>acode session pull</c>: rows that differ from PostgreSQL's version but were kept (not in <see cref="Unchanged"/>),
    /// because a change of them made in this workspace still waits in the outbox; 0 for an ordinary import.
    /// </summary>
    public int Kept { get; init; }
}

namespace Acode.Application;

/// <summary>What an import wrote: rows inserted, rows replaced by a newer version, and rows left alone.</summary>
public sealed record ImportResult(int Inserted, int Updated, int Unchanged)
{
    /// <summary>
    /// <c>acode session pull</c>: rows that differ from PostgreSQL's version but were kept (not in <see cref="Unchanged"/>),
    /// because a change of them made in this workspace still waits in the outbox; 0 for an ordinary import.
    /// </summary>
    public int Kept { get; init; }

    /// <summary>
    /// <c>acode session pull</c>: of <see cref="Kept"/>, the rows whose change waits as a dead letter (PostgreSQL refused
    /// it; <c>acode db sync</c> does not send it again until <c>acode db sync retry</c> requeues it). 0 for an ordinary import.
    /// </summary>
    public int KeptDeadLettered { get; init; }

    /// <summary>
    /// <c>acode session pull</c>: rows of this workspace's copy that PostgreSQL files under another session, so the pull
    /// has no version of them (a row never moves between sessions: two copies of one transcript beginning at different
    /// records are two sessions whose records share ids); they stay as they are. 0 for an ordinary import.
    /// </summary>
    public int FiledElsewhere { get; init; }

    /// <summary>The sessions PostgreSQL files the rows of <see cref="FiledElsewhere"/> under (ordinal order); empty when none.</summary>
    public IReadOnlyList<string> FiledUnder { get; init; } = [];

    /// <summary>
    /// <c>acode session pull</c>: rows of this workspace's copy that PostgreSQL holds under no session although no change
    /// of them waits in the outbox (their row went with another session's deletion, or PostgreSQL lost it); they stay as
    /// they are, and delivering them again (<c>acode db sync retry --processed</c>) applies them. 0 for an ordinary import.
    /// </summary>
    public int HeldNowhere { get; init; }
}

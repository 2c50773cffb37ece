namespace Acode.Infrastructure.Retention;

/// <summary>Which sessions a prune removes and how.</summary>
internal sealed record PruneRequest
{
    /// <summary>Sessions last changed (<c>updated_at</c>) before this instant are removed.</summary>
    public required DateTimeOffset Before { get; init; }

    /// <summary>Only sessions in these states; empty: any state.</summary>
    public IReadOnlyCollection<SessionState> States { get; init; } = [];

    /// <summary>Also remove sessions with changes not yet delivered to PostgreSQL (their undelivered records are still delivered).</summary>
    public bool IncludeUnsynced { get; init; }

    /// <summary>
    /// True (<c>--remote</c>): each removal is recorded in the outbox, so the sync tombstones the session in PostgreSQL too.
    /// False: only the local copy goes; PostgreSQL keeps the session.
    /// </summary>
    public bool RecordDeletion { get; init; }

    /// <summary>With <see cref="RecordDeletion"/>: the sessions removed here without a deletion, as PostgreSQL holds a version the prune does not cover (<see cref="SessionRemoval.KeptInPostgres"/>).</summary>
    public IReadOnlySet<string> KeptInPostgres { get; init; } = new HashSet<string>();

    /// <summary>What prunes, as <c>removed_imports</c> records it for an imported session (docs/import.md): <c>db prune</c> or <c>retention</c>.</summary>
    public string Reason { get; init; } = "db prune";

    /// <summary>Only report what would be removed.</summary>
    public bool DryRun { get; init; }

    /// <summary>Whether an <c>auto_vacuum=NONE</c> database may be converted (rewritten once) to give the space back.</summary>
    public bool AllowConversion { get; init; } = true;
}

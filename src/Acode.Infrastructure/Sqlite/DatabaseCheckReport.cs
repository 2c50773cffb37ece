namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// What <c>acode db check</c> found in the SQLite file: integrity problems and foreign-key violations (both empty when
/// healthy). In a file with damaged pages a check that cannot read them adds one line saying so to its list, after what
/// <c>PRAGMA integrity_check</c> found.
/// </summary>
public sealed record DatabaseCheckReport(IReadOnlyList<string> IntegrityErrors, IReadOnlyList<string> ForeignKeyViolations)
{
    /// <summary>
    /// Whether <c>PRAGMA integrity_check</c> found damage in the file's pages or a check could not read them (as opposed
    /// to a search index or blob problem in sound pages, which <c>--recount</c> or a re-save can repair).
    /// </summary>
    public bool PagesDamaged { get; init; }

    /// <summary>True when both lists are empty.</summary>
    public bool IsHealthy => IntegrityErrors.Count == 0 && ForeignKeyViolations.Count == 0;
}

namespace Acode.Infrastructure.Sqlite;

/// <summary>What <c>acode db check</c> found in the SQLite file: integrity problems and foreign-key violations (both empty when healthy).</summary>
public sealed record DatabaseCheckReport(IReadOnlyList<string> IntegrityErrors, IReadOnlyList<string> ForeignKeyViolations)
{
    /// <summary>True when both lists are empty.</summary>
    public bool IsHealthy => IntegrityErrors.Count == 0 && ForeignKeyViolations.Count == 0;
}

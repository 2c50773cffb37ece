namespace Acode.Infrastructure.Sqlite;

/// <summary>The <c>auto_vacuum</c> mode of a workspace database, and what a space reclaim did about it.</summary>
internal enum AutoVacuumConversion
{
    /// <summary>Already <c>INCREMENTAL</c> (every database this version creates): freed pages were given back.</summary>
    AlreadyIncremental,

    /// <summary>Was <c>NONE</c> (created by an older version) and was converted now, by one <c>VACUUM</c>.</summary>
    Converted,

    /// <summary>Was <c>NONE</c> and stays so for now: not enough free disk space for the one-time <c>VACUUM</c>.</summary>
    NotEnoughSpace,

    /// <summary>Was <c>NONE</c> and stays so: the caller did not allow the rewrite (a host never rewrites the file under a running agent).</summary>
    NotAllowed,

    /// <summary><c>FULL</c>: SQLite gives pages back at every commit; nothing to do.</summary>
    Full,
}

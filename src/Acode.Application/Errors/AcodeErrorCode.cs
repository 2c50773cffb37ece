namespace Acode.Application.Errors;

/// <summary>The stable error codes of the persistence layer (spec §12). The CLI exits with <c>10 + code</c>.</summary>
public enum AcodeErrorCode
{
    /// <summary>ACODE-DB-001: the database cannot be opened or created (path, permissions, read-only disk).</summary>
    CannotOpen = 1,

    /// <summary>ACODE-DB-002: the file is corrupt or not an acode workspace database. It is never overwritten.</summary>
    NotAnAcodeDatabase = 2,

    /// <summary>ACODE-DB-003: a migration failed; start-up halted; the database is left at the last good version.</summary>
    MigrationFailed = 3,

    /// <summary>ACODE-DB-004: the database schema is newer than this program.</summary>
    SchemaTooNew = 4,

    /// <summary>ACODE-DB-005: the write lock was not acquired within the busy timeout.</summary>
    Busy = 5,

    /// <summary>ACODE-DB-006: PostgreSQL unreachable, refused, or authentication failed.</summary>
    PostgresUnavailable = 6,

    /// <summary>ACODE-DB-007: invalid configuration.</summary>
    InvalidConfiguration = 7,
}

using Npgsql;

namespace Acode.Infrastructure.Postgres;

/// <summary>
/// The classes of PostgreSQL's five-character SQLSTATE codes: the first two characters name the class, the last three the
/// condition (PostgreSQL documentation, Appendix A "PostgreSQL Error Codes"). Npgsql's <see cref="PostgresErrorCodes"/>
/// names single conditions; the sync and the error mapper decide on whole classes too, by these names.
/// </summary>
internal static class SqlStateClass
{
    /// <summary>Class 08, Connection Exception (e.g. 08006 connection_failure).</summary>
    public const string ConnectionException = "08";

    /// <summary>Class 28, Invalid Authorization Specification (e.g. 28000, 28P01 invalid_password).</summary>
    public const string InvalidAuthorizationSpecification = "28";

    /// <summary>Class 40, Transaction Rollback (e.g. 40001 serialization_failure, 40P01 deadlock_detected).</summary>
    public const string TransactionRollback = "40";

    /// <summary>Class 53, Insufficient Resources (e.g. 53100 disk_full, 53300 too_many_connections).</summary>
    public const string InsufficientResources = "53";

    /// <summary>Class 57, Operator Intervention (e.g. 57014 query_canceled, 57P01 admin_shutdown).</summary>
    public const string OperatorIntervention = "57";

    /// <summary>Class 58, System Error (errors external to PostgreSQL itself, e.g. 58030 io_error).</summary>
    public const string SystemError = "58";

    /// <summary>Class XX, Internal Error (e.g. XX001 data_corrupted).</summary>
    public const string InternalError = "XX";

    /// <summary>The class (first two characters) of <paramref name="sqlState"/>; empty for a code shorter than two characters.</summary>
    public static string Of(string sqlState) => sqlState is { Length: >= 2 } ? sqlState[..2] : string.Empty;

    /// <summary>Whether <paramref name="ex"/>'s SQLSTATE is of <paramref name="sqlStateClass"/> (one of the constants above).</summary>
    public static bool Is(PostgresException ex, string sqlStateClass)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return string.Equals(Of(ex.SqlState), sqlStateClass, StringComparison.Ordinal);
    }
}

using System.Net.Sockets;
using System.Security.Authentication;
using Acode.Application.Errors;
using Npgsql;

namespace Acode.Infrastructure.Postgres;

/// <summary>
/// Decides which PostgreSQL failures mean "PostgreSQL cannot be used right now" and turns them into ACODE-DB-006,
/// keeping the native exception inside: outages (<see cref="AcodeErrors.PostgresUnavailable"/>) and refusals by a
/// server that answers (<see cref="AcodeErrors.PostgresRefused"/>, naming the privilege or setting and what fixes it).
/// </summary>
/// <remarks>
/// <para>Outages: the network (refused, unreachable, unknown host, lost connection, timeouts), authentication
/// (class <c>28</c>), a missing or dropped database (<c>3D000</c>, <c>57P04</c>), a server shutting down, starting,
/// cancelling statements or closing idle sessions (class <c>57</c>), out of resources (class <c>53</c>: no free
/// connection slot, disk full, out of memory), failing itself (classes <c>58</c>, <c>XX</c>), a lock not granted in
/// time (<c>55P03</c>) and every connection exception (class <c>08</c>).</para>
/// <para>Refusals: a missing privilege (<c>42501</c>, with the <c>GRANT</c> that fixes it), a server that accepts
/// only reads (<c>25006</c>: a standby, or <c>default_transaction_read_only</c>), no schema to work in (<c>3F000</c>)
/// and a table or column of acode's schema that is not there (<c>42P01</c>, <c>42703</c>: dropped by hand).</para>
/// <para>Neither is a record's fault: the sync pauses (leases released, attempts not counted) and resumes once the
/// server answers or the cause is fixed; a command reports ACODE-DB-006 instead of an unexpected error. Everything
/// else (constraint violations, data errors, syntax errors) is not an availability problem: <see cref="Map"/>
/// returns null and the caller handles it.</para>
/// <para>Reasons are built from SQLSTATEs, socket error codes and the server's own message text, which never
/// contains the password; <c>Include Error Detail</c> is off (see <see cref="PostgresConnectionSettings"/>).</para>
/// </remarks>
internal static class PostgresErrorMapper
{
    /// <summary>True when <paramref name="exception"/> means PostgreSQL cannot be used right now (an outage or a refusal).</summary>
    public static bool IsUnavailable(Exception exception) => Diagnose(exception, string.Empty) is not null;

    /// <summary>True for an outage only (network, server state, resources), not for a refusal by a server that answers.</summary>
    public static bool IsOutage(Exception exception) => Diagnose(exception, string.Empty) is { Remedy: null };

    /// <summary>ACODE-DB-006 for an outage or a refusal, or null when <paramref name="exception"/> is something else.</summary>
    /// <param name="exception">What Npgsql threw.</param>
    /// <param name="redactedTarget">The server, e.g. <see cref="PostgresConnectionSettings.Redacted"/>.</param>
    public static AcodeDbException? Map(Exception exception, string redactedTarget)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Diagnose(exception, redactedTarget) switch
        {
            null => null,
            { Remedy: null } cancelled when exception is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled }
                => AcodeErrors.PostgresStatementCancelled(redactedTarget, cancelled.Reason, PostgresGrants.RoleOf(redactedTarget), exception),
            { Remedy: null } outage => AcodeErrors.PostgresUnavailable(redactedTarget, outage.Reason, exception),
            { } refusal => AcodeErrors.PostgresRefused(redactedTarget, refusal.Reason, refusal.Remedy, exception),
        };
    }

    /// <summary>
    /// As <see cref="Map"/>, for the PostgreSQL run-state store: an ACODE-DB-006 already raised below it (by the migrator)
    /// is taken as it is, and either gets the store's hint (<see cref="AcodeErrors.InPostgresStore"/>): nothing is kept
    /// locally, so a failed save saved nothing.
    /// </summary>
    /// <param name="exception">What Npgsql (or the migrator) threw.</param>
    /// <param name="redactedTarget">The server, e.g. <see cref="PostgresConnectionSettings.Redacted"/>.</param>
    /// <param name="write">True for a save, a delete or an import; false for a read.</param>
    public static AcodeDbException? MapForStore(Exception exception, string redactedTarget, bool write)
    {
        ArgumentNullException.ThrowIfNull(exception);
        AcodeDbException? mapped = exception is AcodeDbException { ErrorCode: AcodeErrorCode.PostgresUnavailable } raised ? raised : Map(exception, redactedTarget);
        return mapped is null ? null : AcodeErrors.InPostgresStore(mapped, write);
    }

    /// <summary>
    /// As <see cref="Map"/>, for a reader of the team's database (<c>--remote</c> reads, <c>session pull</c>, <c>acode ui
    /// --remote</c>, the conflicts and workspaces a page shows): the hint of a read (<see cref="AcodeErrors.InPostgresStore"/>
    /// with <c>write</c> false: nothing was read or changed, try again once PostgreSQL answers), not the sync's (changes
    /// waiting in an outbox, a sync resuming by itself), since a read leaves nothing waiting.
    /// </summary>
    /// <param name="exception">What Npgsql threw.</param>
    /// <param name="redactedTarget">The server, e.g. <see cref="PostgresConnectionSettings.Redacted"/>.</param>
    public static AcodeDbException? MapForReader(Exception exception, string redactedTarget)
        => Map(exception, redactedTarget) is { } mapped ? AcodeErrors.InPostgresStore(mapped, write: false) : null;

    /// <summary>
    /// For a refusal of the role or the server (a missing privilege, a read-only server, no schema): what was refused
    /// and what fixes it, e.g. the <c>GRANT</c> a failed migration needs (ACODE-DB-003). Null for an outage, for a
    /// missing table or column (inside a migration, that is the migration's own error) and for any other failure.
    /// </summary>
    public static (string Reason, string Remedy)? Refusal(Exception exception, string redactedTarget)
        => exception is not PostgresException { SqlState: PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn }
           && Diagnose(exception, redactedTarget) is { Remedy: { } remedy } refusal ? (refusal.Reason, remedy) : null;

    private static PostgresDiagnosis? Diagnose(Exception exception, string redactedTarget) => exception switch
    {
        PostgresException pg => ServerDiagnosis(pg, redactedTarget),
        NpgsqlOperationInProgressException => null, // misuse of one connection, not an outage
        NpgsqlException npgsql => new PostgresDiagnosis(ClientReason(npgsql.InnerException) ?? $"the connection failed ({npgsql.Message.TrimEnd('.')})"),
        SocketException or TimeoutException or IOException => ClientReason(exception) is { } reason ? new PostgresDiagnosis(reason) : null,
        _ => null,
    };

    private static PostgresDiagnosis? ServerDiagnosis(PostgresException pg, string redactedTarget)
    {
        string said = PostgresServerSaid.Of(pg);
        return SpecificDiagnosis(pg, said, redactedTarget) ?? ClassDiagnosis(pg, said);
    }

    private static PostgresDiagnosis? SpecificDiagnosis(PostgresException pg, string said, string redactedTarget) => pg.SqlState switch
    {
        PostgresErrorCodes.InsufficientPrivilege => PostgresPrivilegeAdvice.ForDenial(pg, PostgresGrants.RoleOf(redactedTarget)),
        PostgresErrorCodes.ReadOnlySqlTransaction => new PostgresDiagnosis(
            $"the server accepts only reads ({said}): it is a standby, or default_transaction_read_only is on for this role or database",
            "Point ACODE_POSTGRES_URL at the primary server, or turn default_transaction_read_only off for acode's role."),
        PostgresErrorCodes.InvalidSchemaName => new PostgresDiagnosis(
            $"there is no schema to work in ({said})",
            "Create the schema named first in the role's search_path, or fix the search_path option of the connection string."),
        PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn => new PostgresDiagnosis(
            $"a table or column of acode's schema is missing ({said}); it was dropped or changed by hand after acode created it",
            "Restore the database from a backup; or drop acode's tables and schema_version so that the next sync recreates them, then refill them with 'acode db sync retry --processed'."),
        PostgresErrorCodes.InvalidPassword => new PostgresDiagnosis($"authentication failed ({said})"),
        PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.DatabaseDropped => new PostgresDiagnosis($"the database does not exist ({said})"),
        PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            => new PostgresDiagnosis($"the server is shutting down or starting up ({said})"),
        PostgresErrorCodes.QueryCanceled => new PostgresDiagnosis($"the server cancelled the statement (statement_timeout, or an administrator) ({said})"),
        PostgresErrorCodes.TooManyConnections => new PostgresDiagnosis($"the server has no free connection slot ({said})"),
        PostgresErrorCodes.LockNotAvailable => new PostgresDiagnosis($"a lock was not granted in time ({said})"),
        _ => null,
    };

    private static PostgresDiagnosis? ClassDiagnosis(PostgresException pg, string said) => SqlStateClass.Of(pg.SqlState) switch
    {
        SqlStateClass.InvalidAuthorizationSpecification => new PostgresDiagnosis($"the server refused the login ({said})"),
        SqlStateClass.OperatorIntervention => new PostgresDiagnosis($"the server ended the operation ({said})"),
        SqlStateClass.InsufficientResources => new PostgresDiagnosis($"the server is out of resources ({said})"),
        SqlStateClass.SystemError or SqlStateClass.InternalError => new PostgresDiagnosis($"the server failed ({said}); see its log"),
        SqlStateClass.ConnectionException => new PostgresDiagnosis($"the connection failed ({said})"),
        _ => null,
    };

    private static string? ClientReason(Exception? inner) => inner switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "the connection was refused (is the server running and listening on that host and port?)",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } => "the host name cannot be resolved",
        SocketException { SocketErrorCode: SocketError.TimedOut } => "the connection attempt timed out",
        SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown } => "the network or the host is unreachable",
        SocketException socket => $"a network error occurred ({socket.SocketErrorCode})",
        TimeoutException => "it did not answer in time (the server may be down, overloaded or unreachable, or every pooled connection is in use)",
        AuthenticationException => "the TLS handshake failed (check sslmode and the server's certificate)",
        EndOfStreamException or IOException => "the connection was lost",
        NpgsqlException { InnerException: var deeper } => ClientReason(deeper),
        _ => null,
    };
}

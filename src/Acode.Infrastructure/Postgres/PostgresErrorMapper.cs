using System.Net.Sockets;
using System.Security.Authentication;
using Acode.Application.Errors;
using Npgsql;

namespace Acode.Infrastructure.Postgres;

/// <summary>
/// Decides which PostgreSQL failures mean "the server is not available" and turns them into ACODE-DB-006
/// (<see cref="AcodeErrors.PostgresUnavailable"/>), keeping the native exception inside.
/// </summary>
/// <remarks>
/// <para>Unavailable: the network (refused, unreachable, unknown host, lost connection, timeouts), authentication
/// (SQLSTATE <c>28P01</c>, <c>28000</c>), a missing database (<c>3D000</c>), a server shutting down or starting
/// (<c>57P01</c>–<c>57P03</c>), no free connection slot (<c>53300</c>) and every connection exception (<c>08xxx</c>).
/// The sync treats these as an outage (pause and retry later, attempts not counted), never as a bad record.</para>
/// <para>Everything else, constraint violations and syntax errors among them, is not an availability problem:
/// <see cref="Map"/> returns null and the caller handles it.</para>
/// <para>Reasons are built from SQLSTATEs, socket error codes and the server's own message text, which never
/// contains the password; <c>Include Error Detail</c> is off (see <see cref="PostgresConnectionSettings"/>).</para>
/// </remarks>
public static class PostgresErrorMapper
{
    /// <summary>True when <paramref name="exception"/> means PostgreSQL cannot be used right now.</summary>
    public static bool IsUnavailable(Exception exception) => Reason(exception) is not null;

    /// <summary>ACODE-DB-006 for an availability failure, or null when <paramref name="exception"/> is something else.</summary>
    /// <param name="exception">What Npgsql threw.</param>
    /// <param name="redactedTarget">The server, e.g. <see cref="PostgresConnectionSettings.Redacted"/>.</param>
    public static AcodeDbException? Map(Exception exception, string redactedTarget)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Reason(exception) is { } reason ? AcodeErrors.PostgresUnavailable(redactedTarget, reason, exception) : null;
    }

    private static string? Reason(Exception exception) => exception switch
    {
        PostgresException pg => ServerReason(pg),
        NpgsqlOperationInProgressException => null, // misuse of one connection, not an outage
        NpgsqlException npgsql => ClientReason(npgsql.InnerException) ?? $"the connection failed ({npgsql.Message.TrimEnd('.')})",
        SocketException or TimeoutException or IOException => ClientReason(exception),
        _ => null,
    };

    private static string? ServerReason(PostgresException pg) => pg.SqlState switch
    {
        PostgresErrorCodes.InvalidPassword => $"authentication failed (SQLSTATE {pg.SqlState}: {pg.MessageText})",
        PostgresErrorCodes.InvalidAuthorizationSpecification => $"the server refused the login (SQLSTATE {pg.SqlState}: {pg.MessageText})",
        PostgresErrorCodes.InvalidCatalogName => $"the database does not exist (SQLSTATE {pg.SqlState}: {pg.MessageText})",
        PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            => $"the server is shutting down or starting up (SQLSTATE {pg.SqlState}: {pg.MessageText})",
        PostgresErrorCodes.TooManyConnections => $"the server has no free connection slot (SQLSTATE {pg.SqlState}: {pg.MessageText})",
        { } state when state.StartsWith("08", StringComparison.Ordinal) => $"the connection failed (SQLSTATE {state}: {pg.MessageText})",
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

using Acode.Application.Errors;
using Acode.Infrastructure.Postgres;
using Npgsql;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// Who is at fault when a delivery fails: PostgreSQL (an outage or a refusal, ACODE-DB-006: the run pauses and no record
/// loses an attempt), a record (counted as an attempt, retried with backoff, dead-lettered after the last), or nobody
/// (a deadlock or serialization failure with another applier: the batch is simply claimed again).
/// </summary>
internal static class SyncFailures
{
    /// <summary>ACODE-DB-006 when <paramref name="ex"/> means PostgreSQL cannot be used now (already mapped, or native).</summary>
    /// <param name="ex">The failure.</param>
    /// <param name="redactedTarget">The target without its password, for the message.</param>
    public static AcodeDbException? AsUnavailable(Exception ex, string redactedTarget)
        => ex is AcodeDbException { ErrorCode: AcodeErrorCode.PostgresUnavailable } mapped ? mapped : PostgresErrorMapper.Map(ex, redactedTarget);

    /// <summary>Whether PostgreSQL refused the record itself (its content, a constraint), or it names a blob the workspace lacks: the record's fault.</summary>
    public static bool IsRecordFailure(Exception ex)
        => ex is MissingBlobException
           || (ex is not AcodeDbException && !PostgresErrorMapper.IsUnavailable(ex)
               && (ex is PostgresException pg ? !SqlStateClass.Is(pg, SqlStateClass.TransactionRollback) : ex is FormatException or InvalidCastException or System.Text.Json.JsonException));

    /// <summary>SQLSTATE class 40 (deadlock, serialization failure): nobody's fault, the next claim retries.</summary>
    public static bool IsTransactionRetry(PostgresException ex) => SqlStateClass.Is(ex, SqlStateClass.TransactionRollback);

    /// <summary>The <c>last_error</c> of a failed record.</summary>
    public static string Describe(Exception error) => error switch
    {
        PostgresException pg => $"PostgreSQL rejected the record ({PostgresServerSaid.Of(pg)})",
        RecordBreaksConnectionException lost => lost.Message,
        MissingBlobException missing => missing.Message,
        _ => $"{error.GetType().Name}: {error.Message}",
    };
}

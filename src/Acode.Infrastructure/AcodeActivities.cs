using System.Diagnostics;
using Acode.Application.Errors;
using Npgsql;

namespace Acode.Infrastructure;

/// <summary>
/// Starts and ends the spans of <see cref="AcodeTelemetry.Source"/> with the OpenTelemetry database attributes
/// (<c>db.system.name</c>, <c>db.operation.name</c>, <c>db.operation.batch.size</c>, <c>server.address</c>,
/// <c>error.type</c>). Every method costs one <see cref="ActivitySource.HasListeners"/> check when nothing listens.
/// </summary>
/// <remarks>
/// Failures are recorded as status Error with the ACODE-DB code (or the exception's type) as description and
/// <c>error.type</c>: never the exception's message, which may quote a server's text, and never a connection string.
/// </remarks>
internal static class AcodeActivities
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgresql";

    /// <summary>A span named <paramref name="operation"/> (<c>acode.save</c>, <c>acode.sync.batch</c>, …), or null when nothing listens.</summary>
    public static Activity? Start(string operation, string system)
    {
        if (!AcodeTelemetry.Source.HasListeners())
        {
            return null;
        }

        Activity? activity = AcodeTelemetry.Source.StartActivity(operation, ActivityKind.Client);
        activity?.SetTag("db.system.name", system);
        activity?.SetTag("db.operation.name", operation);
        return activity;
    }

    /// <summary>
    /// Runs <paramref name="body"/> inside a span named <paramref name="operation"/> (null when nothing listens), marked
    /// failed (<see cref="Fail"/>) when it throws; the exception goes on to the caller.
    /// </summary>
    public static async Task<T> TraceAsync<T>(string operation, string system, Func<Activity?, Task<T>> body)
    {
        using Activity? activity = Start(operation, system);
        try
        {
            return await body(activity).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(activity, ex);
            throw;
        }
    }

    /// <summary>Marks <paramref name="activity"/> failed by <paramref name="error"/>: status Error, <c>error.type</c> and the ACODE code.</summary>
    public static void Fail(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }

        string type = error switch
        {
            AcodeDbException acode => acode.Code,
            OperationCanceledException => "cancelled",
            _ => error.GetType().FullName ?? error.GetType().Name,
        };
        activity.SetTag("error.type", type);
        if (error is AcodeDbException db)
        {
            activity.SetTag("acode.error.code", db.Code);
        }
        else if (error is PostgresException pg)
        {
            activity.SetTag("db.response.status_code", pg.SqlState);
        }

        activity.SetStatus(ActivityStatusCode.Error, type);
    }
}

using Acode.Domain.Entities;
using Acode.Infrastructure.Postgres;
using Npgsql;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>
/// How many values of one session were replaced by redaction markers before they were stored, as PostgreSQL holds it: the
/// sum of the <c>count</c> of the session's <c>secrets.redacted</c> events (docs/secrets.md), the same sum the workspace
/// database gives (<c>SqliteWorkspaceDatabase.CountRedactedSecrets</c>), so <c>session show --remote</c> prints the line
/// the local <c>session show</c> prints. Reads only; needs SELECT on <c>session_events</c>.
/// </summary>
internal static class PostgresRedactedSecrets
{
    private const string Sql = $"""
        SELECT COALESCE(sum(CASE WHEN jsonb_typeof(payload -> 'count') = 'number' THEN (payload ->> 'count')::numeric END), 0)::bigint
        FROM session_events WHERE session_id = $1 AND type = '{SessionEventTypes.SecretsRedacted}';
        """;

    /// <summary>The sum, 0 when the session has no such event.</summary>
    /// <param name="dataSource">The team's PostgreSQL.</param>
    /// <param name="sessionId">The session.</param>
    /// <param name="redactedTarget">The server without its password, for the message of a failure.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-006 when PostgreSQL is unavailable or refuses the read.</exception>
    public static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sessionId, string redactedTarget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        try
        {
            NpgsqlCommand command = dataSource.CreateCommand(Sql);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue(sessionId);
                return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.Map(ex, redactedTarget) is { } unavailable)
        {
            throw unavailable;
        }
    }
}

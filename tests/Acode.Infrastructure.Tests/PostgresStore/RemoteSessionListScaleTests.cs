using System.Text.Json;
using Acode.Application.Queries;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.PostgresStore;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>
/// Issue 12: <c>session list --remote</c> over 1 000 000 sessions reads a page as an index range, never a scan. The
/// sessions are loaded set-based once; each case explains (<c>EXPLAIN (FORMAT JSON)</c>, planner settings untouched) the
/// exact statement and parameters <see cref="PostgresRunStateStore.QuerySessionsAsync"/> executes, for a first page and for
/// the next page from a keyset cursor, unfiltered and with the common filters, in every sort.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class RemoteSessionListScaleTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset Start = new(2025, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SemaphoreSlim SeedGate = new(1, 1);
    private static string? s_connectionString;

    public static TheoryData<string, SessionSort> Cases()
    {
        var cases = new TheoryData<string, SessionSort>();
        foreach (string filter in Filters.Keys)
        {
            foreach (SessionSort sort in Enum.GetValues<SessionSort>())
            {
                cases.Add(filter, sort);
            }
        }

        return cases;
    }

    private static readonly Dictionary<string, SessionFilter> Filters = new()
    {
        ["none"] = SessionFilter.All,
        ["state"] = new SessionFilter { States = [SessionState.Failed] },
        ["since"] = new SessionFilter { CreatedFrom = Start.AddDays(300) },
        ["since and until"] = new SessionFilter { CreatedFrom = Start.AddDays(200), CreatedTo = Start.AddDays(207) },
        ["state, since and until"] = new SessionFilter { States = [SessionState.Failed], CreatedFrom = Start.AddDays(200), CreatedTo = Start.AddDays(207) },
        ["title"] = new SessionFilter { TitleContains = "parser" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_first_page_and_the_next_page_are_index_ranges_of_sessions(string filterName, SessionSort sort)
    {
        string connectionString = await SeededAsync();
        SessionFilter filter = Filters[filterName];
        (string firstSql, NpgsqlParameter[] firstParameters) = PostgresRunStateStore.PageCommand(filter, sort, new PaginationOptions { Limit = 50 });
        await AssertIndexRangeAsync(connectionString, firstSql, firstParameters);

        // The cursor of a page in the middle of the range, as the previous page would have printed it.
        bool updated = sort is SessionSort.UpdatedDescending or SessionSort.UpdatedAscending;
        DateTimeOffset at = Start.AddDays(203).AddSeconds(updated ? 60 : 0);
        string cursor = SessionCursor.After(filter, sort, at, SessionId.Parse(IdOf(203 * 2880)), CursorStore.Postgres).Encode();
        (string nextSql, NpgsqlParameter[] nextParameters) = PostgresRunStateStore.PageCommand(filter, sort, new PaginationOptions { Limit = 50, Cursor = cursor });
        await AssertIndexRangeAsync(connectionString, nextSql, nextParameters);
    }

    private static async Task AssertIndexRangeAsync(string connectionString, string sql, NpgsqlParameter[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + sql, connection);
        command.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
        string plan = (string)(await command.ExecuteScalarAsync())!;
        var scans = new List<(string NodeType, string? Relation, string? Index)>();
        using (JsonDocument document = JsonDocument.Parse(plan))
        {
            Collect(document.RootElement[0].GetProperty("Plan"), scans);
        }

        List<(string NodeType, string? Relation, string? Index)> onSessions = scans.Where(s => s.Relation == "sessions").ToList();
        Assert.True(
            onSessions.Count > 0 && onSessions.All(s => s.Index is not null),
            $"Expected sessions to be read through an index only, for:{Environment.NewLine}{sql}{Environment.NewLine}{plan}");
    }

    private static void Collect(JsonElement node, List<(string NodeType, string? Relation, string? Index)> scans)
    {
        scans.Add((node.GetProperty("Node Type").GetString()!,
            node.TryGetProperty("Relation Name", out JsonElement relation) ? relation.GetString() : null,
            node.TryGetProperty("Index Name", out JsonElement index) ? index.GetString() : null));
        if (node.TryGetProperty("Plans", out JsonElement children))
        {
            foreach (JsonElement child in children.EnumerateArray())
            {
                Collect(child, scans);
            }
        }
    }

    /// <summary>The id of session <paramref name="i"/> as the load writes it (a valid, ordered session id).</summary>
    private static string IdOf(int i) => "sess_" + i.ToString("X", System.Globalization.CultureInfo.InvariantCulture).PadLeft(26, '0');

    private async Task<string> SeededAsync()
    {
        await SeedGate.WaitAsync();
        try
        {
            return s_connectionString ??= await SeedAsync();
        }
        finally
        {
            SeedGate.Release();
        }
    }

    private async Task<string> SeedAsync()
    {
        string connectionString = new NpgsqlConnectionStringBuilder(await fixture.CreateDatabaseAsync()) { Pooling = false }.ConnectionString;
        await using (NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString))
        {
            await new PostgresMigrator().MigrateAsync(dataSource);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (string sql in SeedSql)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
            await command.ExecuteNonQueryAsync();
        }

        return connectionString;
    }

    // A team's year: 1 000 000 sessions 30 s apart from 2025-12-01 across 40 workspaces, mostly Completed (Failed 1 in
    // 20, Executing 1 in 100), each updated a minute after it was created, 1 in 50 deleted (a tombstone); a tool call
    // and a task for each of the last 100 000. The created_origin trigger is bypassed for the load (the value is given).
    private static readonly string[] SeedSql =
    [
        "SET session_replication_role = replica;",
        """
        INSERT INTO sessions (id, title, goal, state, version, created_at, updated_at, hlc, origin, created_origin, document, deleted_at)
        SELECT 'sess_' || lpad(upper(to_hex(i)), 26, '0'), CASE WHEN i % 97 = 0 THEN 'Fix the parser ' ELSE 'Session ' END || i, NULL,
               CASE WHEN i % 20 = 0 THEN 'Failed' WHEN i % 100 = 1 THEN 'Executing' ELSE 'Completed' END,
               2, ts, ts + interval '1 minute', (extract(epoch FROM ts + interval '1 minute') * 10000000)::bigint + 621355968000000000,
               'ws_' || (i % 40), 'ws_' || (i % 40),
               jsonb_build_object('entity', 'Session', 'schema', 1, 'id', 'sess_' || lpad(upper(to_hex(i)), 26, '0'), 'title', 'Session ' || i,
                                  'createdAt', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '0Z'),
               CASE WHEN i % 50 = 7 THEN ts + interval '2 minutes' END
        FROM generate_series(1, 1000000) AS i, LATERAL (SELECT timestamptz '2025-12-01 00:00:00+00' + i * interval '30 seconds' AS ts) AS t;
        """,
        """
        INSERT INTO tool_calls (id, session_id, step_id, tool_name, arguments, status, version, created_at, updated_at, hlc, origin, document)
        SELECT 'tc_' || lpad(upper(to_hex(i)), 26, '0'), 'sess_' || lpad(upper(to_hex(i)), 26, '0'), 'step_x', 'read_file', '{}', 'Succeeded', 1, ts, ts, i, 'ws_1', '{}'
        FROM generate_series(900001, 1000000) AS i, LATERAL (SELECT timestamptz '2025-12-01 00:00:00+00' + i * interval '30 seconds' AS ts) AS t;
        """,
        """
        INSERT INTO session_tasks (id, session_id, ordinal, title, state, version, created_at, updated_at, hlc, origin, document)
        SELECT 'task_' || lpad(upper(to_hex(i)), 26, '0'), 'sess_' || lpad(upper(to_hex(i)), 26, '0'), 0, 'Task', 'Completed', 1, ts, ts, i, 'ws_1', '{}'
        FROM generate_series(900001, 1000000) AS i, LATERAL (SELECT timestamptz '2025-12-01 00:00:00+00' + i * interval '30 seconds' AS ts) AS t;
        """,
        "RESET session_replication_role;",
        "ANALYZE sessions, tool_calls, session_tasks;",
    ];
}

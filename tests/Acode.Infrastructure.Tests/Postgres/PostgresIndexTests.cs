using System.Text.Json;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Postgres;

/// <summary>
/// AC-027: every access path of the mirror and sync tables is served by an index. A few thousand rows per table are
/// loaded once, ANALYZEd, and each query's <c>EXPLAIN (FORMAT JSON)</c> plan must use the named index and contain no
/// Seq Scan. The planner is left alone: <c>enable_seqscan</c> stays on.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresIndexTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SemaphoreSlim SeedGate = new(1, 1);
    private static string? s_seededConnectionString;

    public static TheoryData<string, string, string> AccessPaths => new()
    {
        // By entity id.
        { "sessions_pkey", "SELECT * FROM sessions WHERE id = @id", "sess_001500" },
        { "session_tasks_pkey", "SELECT * FROM session_tasks WHERE id = @id", "task_003000" },
        { "steps_pkey", "SELECT * FROM steps WHERE id = @id", "step_006000" },
        { "tool_calls_pkey", "SELECT * FROM tool_calls WHERE id = @id", "tc_006000" },
        { "artifacts_pkey", "SELECT * FROM artifacts WHERE id = @id", "art_003000" },
        { "session_events_pkey", "SELECT * FROM session_events WHERE id = @id", "evt_007500" },

        // By session (children) and by parent.
        { "ix_session_tasks_session", "SELECT * FROM session_tasks WHERE session_id = @id ORDER BY ordinal", "sess_001500" },
        { "ix_steps_session", "SELECT * FROM steps WHERE session_id = @id", "sess_001500" },
        { "ix_steps_task", "SELECT * FROM steps WHERE task_id = @id ORDER BY ordinal", "task_003000" },
        { "ix_tool_calls_session", "SELECT * FROM tool_calls WHERE session_id = @id ORDER BY id", "sess_001500" },
        { "ix_tool_calls_step", "SELECT * FROM tool_calls WHERE step_id = @id", "step_006000" },
        { "ix_artifacts_session", "SELECT * FROM artifacts WHERE session_id = @id ORDER BY id", "sess_001500" },
        { "ix_artifacts_tool_call", "SELECT * FROM artifacts WHERE tool_call_id = @id", "tc_006000" },
        { "ix_session_events_session", "SELECT * FROM session_events WHERE session_id = @id ORDER BY sequence", "sess_001500" },

        // By updated_at range (what changed since), on every table.
        { "ix_sessions_updated", "SELECT * FROM sessions WHERE updated_at >= @from AND updated_at < @to", "range" },
        { "ix_session_tasks_updated", "SELECT * FROM session_tasks WHERE updated_at >= @from AND updated_at < @to", "range" },
        { "ix_steps_updated", "SELECT * FROM steps WHERE updated_at >= @from AND updated_at < @to", "range" },
        { "ix_tool_calls_updated", "SELECT * FROM tool_calls WHERE updated_at >= @from AND updated_at < @to", "range" },
        { "ix_artifacts_updated", "SELECT * FROM artifacts WHERE updated_at >= @from AND updated_at < @to", "range" },
        { "ix_session_events_updated", "SELECT * FROM session_events WHERE updated_at >= @from AND updated_at < @to", "range" },

        // Session lists: newest first, by creation, by state.
        { "ix_sessions_updated", "SELECT id FROM sessions ORDER BY updated_at DESC, id DESC LIMIT 50", "none" },
        { "ix_sessions_created", "SELECT id FROM sessions ORDER BY created_at DESC, id DESC LIMIT 50", "none" },
        { "ix_sessions_created", "SELECT * FROM sessions WHERE created_at >= @from AND created_at < @to", "range" },
        // Either (state, …) index serves a filter by state; the planner picks by cost.
        { "ix_sessions_state_updated|ix_sessions_state_created", "SELECT id FROM sessions WHERE state = @id ORDER BY updated_at DESC, id DESC LIMIT 50", "Executing" },

        // Sync bookkeeping.
        { "sync_applied_pkey", "SELECT * FROM sync_applied WHERE idempotency_key = @id", "Session:sess_001500:k" },
        { "ix_sync_applied_applied", "DELETE FROM sync_applied WHERE applied_at < @cutoff", "cutoff" },
        { "ix_sync_conflicts_entity", "SELECT * FROM sync_conflicts WHERE entity_id = @id ORDER BY detected_at", "sess_001500" },
        { "ix_sync_conflicts_detected", "SELECT * FROM sync_conflicts ORDER BY detected_at DESC LIMIT 20", "none" },
    };

    [Theory]
    [Trait("AC", "AC-027")]
    [MemberData(nameof(AccessPaths))]
    public async Task The_access_path_uses_its_index(string expectedIndex, string sql, string argument)
    {
        string connectionString = await SeededDatabaseAsync();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"EXPLAIN (FORMAT JSON) {sql}", connection);
        if (argument == "range")
        {
            // Two hours of a 3000-session history: well under 1 % of every table.
            command.Parameters.AddWithValue("from", Epoch.AddDays(10));
            command.Parameters.AddWithValue("to", Epoch.AddDays(10).AddHours(2));
        }
        else if (argument == "cutoff")
        {
            // Pruning: the oldest two hours of applied keys.
            command.Parameters.AddWithValue("cutoff", Epoch.AddHours(2));
        }
        else if (argument != "none")
        {
            command.Parameters.AddWithValue("id", argument);
        }

        string plan = (string)(await command.ExecuteScalarAsync())!;

        var nodes = new List<(string NodeType, string? IndexName)>();
        using (JsonDocument document = JsonDocument.Parse(plan))
        {
            Collect(document.RootElement[0].GetProperty("Plan"), nodes);
        }

        string[] accepted = expectedIndex.Split('|');
        Assert.True(
            nodes.All(n => n.NodeType != "Seq Scan") && nodes.Any(n => accepted.Contains(n.IndexName)),
            $"Expected {expectedIndex} and no Seq Scan for: {sql}{Environment.NewLine}{plan}");
    }

    private static void Collect(JsonElement node, List<(string NodeType, string? IndexName)> nodes)
    {
        nodes.Add((node.GetProperty("Node Type").GetString()!, node.TryGetProperty("Index Name", out JsonElement index) ? index.GetString() : null));
        if (node.TryGetProperty("Plans", out JsonElement children))
        {
            foreach (JsonElement child in children.EnumerateArray())
            {
                Collect(child, nodes);
            }
        }
    }

    private async Task<string> SeededDatabaseAsync()
    {
        await SeedGate.WaitAsync();
        try
        {
            return s_seededConnectionString ??= await SeedAsync();
        }
        finally
        {
            SeedGate.Release();
        }
    }

    private async Task<string> SeedAsync()
    {
        string connectionString = new NpgsqlConnectionStringBuilder(await fixture.CreateDatabaseAsync()) { Pooling = false }.ConnectionString;
        await using (NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(connectionString, "test")))
        {
            await new PostgresMigrator().MigrateAsync(dataSource);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(SeedSql, connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync();
        return connectionString;
    }

    // 3000 sessions, 10 minutes apart, from 2026-01-01 (2 % of them Executing, as in a team's history where most runs
    // are over); children spread over the same span. Ids sort like the real ones.
    private const string SeedSql = """
        INSERT INTO sessions (id, title, goal, state, version, created_at, updated_at, hlc, origin, document)
        SELECT 'sess_' || lpad(i::text, 6, '0'), 'Session ' || i, repeat('goal ', 20),
               CASE WHEN i % 50 = 0 THEN 'Executing' ELSE (ARRAY['Created','Planning','AwaitingApproval','Paused','Completed','Failed','Cancelled'])[1 + i % 7] END,
               1, ts, ts + interval '1 minute', i, 'ws_test', jsonb_build_object('entity', 'Session', 'id', 'sess_' || i, 'title', repeat('x', 200))
        FROM generate_series(1, 3000) AS i, LATERAL (SELECT timestamptz '2026-01-01 00:00:00+00' + i * interval '10 minutes' AS ts) t;

        INSERT INTO session_tasks (id, session_id, ordinal, title, description, state, version, created_at, updated_at, hlc, origin, document)
        SELECT 'task_' || lpad(j::text, 6, '0'), 'sess_' || lpad(((j + 1) / 2)::text, 6, '0'), j % 2, 'Task ' || j, repeat('d', 100), 'Pending',
               1, ts, ts, j, 'ws_test', jsonb_build_object('entity', 'SessionTask', 'id', 'task_' || j, 'title', repeat('x', 200))
        FROM generate_series(1, 6000) AS j, LATERAL (SELECT timestamptz '2026-01-01 00:00:00+00' + j * interval '5 minutes' AS ts) t;

        INSERT INTO steps (id, session_id, task_id, ordinal, title, description, state, version, created_at, updated_at, hlc, origin, document)
        SELECT 'step_' || lpad(k::text, 6, '0'), 'sess_' || lpad(((k + 3) / 4)::text, 6, '0'), 'task_' || lpad(((k + 1) / 2)::text, 6, '0'), k % 2,
               'Step ' || k, repeat('d', 100), 'Pending', 1, ts, ts, k, 'ws_test', jsonb_build_object('entity', 'Step', 'id', 'step_' || k, 'title', repeat('x', 200))
        FROM generate_series(1, 12000) AS k, LATERAL (SELECT timestamptz '2026-01-01 00:00:00+00' + k * interval '150 seconds' AS ts) t;

        INSERT INTO tool_calls (id, session_id, step_id, tool_name, arguments, status, result, version, created_at, updated_at, hlc, origin, document)
        SELECT 'tc_' || lpad(k::text, 6, '0'), 'sess_' || lpad(((k + 3) / 4)::text, 6, '0'), 'step_' || lpad(k::text, 6, '0'), 'read_file',
               jsonb_build_object('path', 'src/file' || k || '.cs'), 'Succeeded', repeat('output ', 40), 1, ts, ts, k, 'ws_test',
               jsonb_build_object('entity', 'ToolCall', 'id', 'tc_' || k, 'result', repeat('x', 200))
        FROM generate_series(1, 12000) AS k, LATERAL (SELECT timestamptz '2026-01-01 00:00:00+00' + k * interval '150 seconds' AS ts) t;

        INSERT INTO artifacts (id, session_id, step_id, tool_call_id, name, kind, media_type, size, content_hash, content, version, created_at, updated_at, hlc, origin, document)
        SELECT 'art_' || lpad(j::text, 6, '0'), 'sess_' || lpad(((j + 1) / 2)::text, 6, '0'), 'step_' || lpad((j * 2)::text, 6, '0'), 'tc_' || lpad((j * 2)::text, 6, '0'),
               'file' || j || '.diff', 'Diff', 'text/x-diff', 300, md5(j::text), convert_to(repeat('+ line', 50), 'UTF8'), 1, ts, ts, j, 'ws_test',
               jsonb_build_object('entity', 'Artifact', 'id', 'art_' || j)
        FROM generate_series(1, 6000) AS j, LATERAL (SELECT timestamptz '2026-01-01 00:00:00+00' + j * interval '5 minutes' AS ts) t;

        INSERT INTO session_events (id, session_id, sequence, type, payload, version, created_at, updated_at, hlc, origin, document)
        SELECT 'evt_' || lpad(e::text, 6, '0'), 'sess_' || lpad(((e + 4) / 5)::text, 6, '0'), 1 + (e - 1) % 5, 'StepStarted',
               jsonb_build_object('note', repeat('n', 100)), 1, ts, ts, e, 'ws_test', jsonb_build_object('entity', 'SessionEvent', 'id', 'evt_' || e)
        FROM generate_series(1, 15000) AS e, LATERAL (SELECT timestamptz '2026-01-01 00:00:00+00' + e * interval '2 minutes' AS ts) t;

        INSERT INTO sync_applied (idempotency_key, entity_type, entity_id, origin, outcome, applied_at)
        SELECT 'Session:sess_' || lpad(((n + 5) / 6)::text, 6, '0') || ':' || n, 'Session', 'sess_' || lpad(((n + 5) / 6)::text, 6, '0'), 'ws_test', 'applied',
               timestamptz '2026-01-01 00:00:00+00' + n * interval '1 minute'
        FROM generate_series(1, 20000) AS n;

        INSERT INTO sync_conflicts (entity_type, entity_id, session_id, incoming_key, incoming_origin, incoming_base_version, incoming_version, incoming_hlc,
                                    incoming_payload, existing_origin, existing_version, existing_hlc, existing_payload, winner, detected_at)
        SELECT 'Session', 'sess_' || lpad(c::text, 6, '0'), 'sess_' || lpad(c::text, 6, '0'), 'Session:sess_' || c || ':k', 'ws_a', 1, 2, c,
               jsonb_build_object('title', repeat('a', 100)), 'ws_b', 2, c - 1, jsonb_build_object('title', repeat('b', 100)), 'incoming',
               timestamptz '2026-01-01 00:00:00+00' + c * interval '10 minutes'
        FROM generate_series(1, 3000) AS c;

        ANALYZE;
        """;
}

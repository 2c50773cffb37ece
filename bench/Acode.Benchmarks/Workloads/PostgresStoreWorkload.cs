using System.Buffers;
using System.Data;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Acode.Application.Queries;
using Acode.Benchmarks.Harness;
using Acode.Benchmarks.Raw;
using Acode.Domain.Time;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.PostgresStore;
using Acode.Testing;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Workload <c>pgstore</c> (issue 12): acode's <see cref="PostgresRunStateStore"/> against raw Npgsql writing and reading
/// the same rows of the same schema, on a throwaway PostgreSQL on loopback (fsync and synchronous_commit on, the server's
/// defaults, for both). Save: one tool call (its row, its completion event, and the two idempotency keys a store leaves in
/// <c>sync_applied</c>) into a session holding 10 tool calls and into one holding <see cref="BenchSettings.BigSessionToolCalls"/>.
/// Get: a whole session (tasks, steps, tool calls, artifacts) in one snapshot. Page: 50 sessions of one state, newest
/// first, from a keyset cursor, over <see cref="Sessions"/> sessions. Each side has its own copy of the seeded database.
/// </summary>
public static class PostgresStoreWorkload
{
    public const string Name = "pgstore";

    private const int PageSize = 50;
    private const string Origin = "pg_bench";

    /// <summary>Sessions of the paged table (the page goal is about an index range, so its size matters little).</summary>
    private static int Sessions(BenchSettings settings) => settings.Quick ? 20_000 : 200_000;

    public static async Task RunAsync(BenchSettings settings, string workDir, Report report)
    {
        _ = workDir;
        Console.WriteLine("[pgstore] starting PostgreSQL");
        await using PostgresServer server = await PostgresServer.StartNewAsync();
        string acodeDb = await server.CreateDatabaseAsync();
        await MigrateAsync(acodeDb);

        int rounds = Math.Max(1, settings.Saves / settings.BlockSize);
        Console.WriteLine($"[pgstore] seeding: {rounds + 1} sessions with {settings.SmallSessionToolCalls} tool calls, one with {settings.BigSessionToolCalls:N0}, {Sessions(settings):N0} to page over");
        var clock = new HybridClock();
        (List<SaveWorkload.SeededSession> small, SaveWorkload.SeededSession big) = await SeedAsync(acodeDb, clock, rounds + 1, settings.SmallSessionToolCalls, settings.BigSessionToolCalls);
        await SeedPagedSessionsAsync(acodeDb, small[0].Session.Id.Value, Sessions(settings));
        string rawDb = await CopyDatabaseAsync(server, acodeDb);

        await using NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(acodeDb, "bench"));
        var store = new PostgresRunStateStore(dataSource, Origin, clock);
        await using var raw = await RawStore.OpenAsync(rawDb);
        Console.WriteLine($"[pgstore] fsync={await ScalarAsync(acodeDb, "SHOW fsync")} synchronous_commit={await ScalarAsync(acodeDb, "SHOW synchronous_commit")} (both sides)");
        report.AddExtra("pgstore: PostgreSQL", $"{await ScalarAsync(acodeDb, "SELECT version()")}; fsync {await ScalarAsync(acodeDb, "SHOW fsync")}, synchronous_commit {await ScalarAsync(acodeDb, "SHOW synchronous_commit")}");

        string? explain = Environment.GetEnvironmentVariable(ExplainVariable);
        if (explain is not null)
        {
            await ExplainSlowStatementsAsync(server.AdminConnectionString);
        }

        await GetAsync(settings, store, raw, small, report);
        await PageAsync(settings, store, raw, acodeDb, report);
        await SaveAsync(settings, store, raw, small, big, rounds, report);
        if (explain is not null && server.LogFile is { } log)
        {
            File.Copy(log, explain, overwrite: true);
            Console.WriteLine($"[pgstore] the server's log, with the plans of statements over {SlowStatement}, copied to {explain}");
        }
    }

    /// <summary>When set to a file name, the plans (EXPLAIN ANALYZE) of every statement slower than <see cref="SlowStatement"/> go to the server's log, copied there afterwards.</summary>
    public const string ExplainVariable = "ACODE_BENCH_PG_EXPLAIN";

    private const string SlowStatement = "2ms";

    private static async Task ExplainSlowStatementsAsync(string adminConnectionString)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        foreach (string sql in new[]
        {
            "LOAD 'auto_explain'", "ALTER SYSTEM SET session_preload_libraries = 'auto_explain'", $"ALTER SYSTEM SET auto_explain.log_min_duration = '{SlowStatement}'",
            "ALTER SYSTEM SET auto_explain.log_analyze = on", "ALTER SYSTEM SET auto_explain.log_buffers = on", $"ALTER SYSTEM SET log_min_duration_statement = '{SlowStatement}'",
            "SELECT pg_reload_conf()",
        })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        NpgsqlConnection.ClearAllPools();
    }

    private static async Task GetAsync(BenchSettings settings, PostgresRunStateStore store, RawStore raw, List<SaveWorkload.SeededSession> sessions, Report report)
    {
        SessionId[] ids = [.. sessions.Select(s => s.Session.Id)];
        Session probe = (await store.GetSessionAsync(ids[0]))!;
        RawSession rawProbe = await raw.GetAsync(ids[0].Value);
        int acodeCalls = probe.Tasks.SelectMany(t => t.Steps).Sum(s => s.ToolCalls.Count);
        if (acodeCalls != rawProbe.ToolCalls || rawProbe.ToolCalls != settings.SmallSessionToolCalls)
        {
            throw new InvalidOperationException($"acode read {acodeCalls} tool calls, raw {rawProbe.ToolCalls}, seeded {settings.SmallSessionToolCalls}.");
        }

        int rounds = Math.Max(1, settings.Reads / settings.BlockSize / 4);
        Dictionary<string, Samples> samples = await Latency.InterleavedAsync(
        [
            new(Report.Acode, async (round, i) => _ = await store.GetSessionAsync(ids[(round + 1 + i) % ids.Length])),
            new(Report.Raw, async (round, i) => _ = await raw.GetAsync(ids[(round + 1 + i) % ids.Length].Value)),
        ], warmup: 100, rounds, settings.BlockSize, TimeSpan.FromSeconds(0.5));
        Record(report, "get", samples);
    }

    private static async Task PageAsync(BenchSettings settings, PostgresRunStateStore store, RawStore raw, string acodeDb, Report report)
    {
        var filter = new SessionFilter { States = [SessionState.Completed] };
        List<(DateTimeOffset At, string Id)> positions = await PagePositionsAsync(acodeDb, 200);
        string[] cursors = [.. positions.Select(p => SessionCursor.After(filter, SessionSort.UpdatedDescending, p.At, SessionId.Parse(p.Id), CursorStore.Postgres).Encode())];
        Page<SessionSummary> acodePage = await store.QuerySessionsAsync(filter, SessionSort.UpdatedDescending, new PaginationOptions { Limit = PageSize, Cursor = cursors[1] });
        List<string> rawPage = await raw.PageAsync(positions[1].At, positions[1].Id);
        if (!acodePage.Items.Select(s => s.Id.Value).SequenceEqual(rawPage) || rawPage.Count != PageSize)
        {
            throw new InvalidOperationException("acode and raw returned different pages: fix the benchmark before reading its figures.");
        }

        int rounds = Math.Max(1, settings.Pages / settings.BlockSize / 2);
        Dictionary<string, Samples> samples = await Latency.InterleavedAsync(
        [
            new(Report.Acode, async (round, i) => _ = await store.QuerySessionsAsync(filter, SessionSort.UpdatedDescending, new PaginationOptions { Limit = PageSize, Cursor = cursors[(round + 1 + i) % cursors.Length] })),
            new(Report.Raw, async (round, i) =>
            {
                (DateTimeOffset at, string id) = positions[(round + 1 + i) % positions.Count];
                _ = await raw.PageAsync(at, id);
            }),
        ], warmup: 100, rounds, settings.BlockSize, TimeSpan.FromSeconds(0.5));
        Record(report, "page", samples);
    }

    private static async Task SaveAsync(BenchSettings settings, PostgresRunStateStore store, RawStore raw, List<SaveWorkload.SeededSession> small, SaveWorkload.SeededSession big, int rounds, Report report)
    {
        int counter = 1_000_000;
        foreach (bool isBig in new[] { false, true })
        {
            SaveWorkload.SessionRef[] rawRefs = isBig ? [big.Ref()] : [.. small.Select(s => s.Ref())];
            SaveWorkload.SeededSession[] acodeSessions = isBig ? [big] : [.. small];
            int Pick(int round) => isBig ? 0 : round + 1;
            Dictionary<string, Samples> samples = await Latency.InterleavedAsync(
            [
                new(Report.Acode, async (round, _) =>
                {
                    SaveWorkload.SeededSession s = acodeSessions[Pick(round)];
                    SaveWorkload.AddToolCall(s.Session, s.Step, counter++);
                    await store.SaveAsync(s.Session);
                }),
                new(Report.Raw, (round, _) => raw.SaveAsync(rawRefs[Pick(round)], counter++)),
            ], warmup: 100, rounds, settings.BlockSize, TimeSpan.FromSeconds(0.5));
            Record(report, isBig ? "save_100k" : "save", samples);
        }
    }

    private static void Record(Report report, string operation, Dictionary<string, Samples> samples)
    {
        foreach ((string name, Samples s) in samples)
        {
            Console.WriteLine($"[pgstore] {operation,-9} {name,-6} {s}");
            if (operation == "save_100k")
            {
                report.Set("pg_save_p50_us_100k", name, s.P50);
                report.AddExtra($"pgstore: save p99 at the big session, {name}", $"{s.P99:F1} µs");
            }
            else
            {
                report.Set($"pg_{operation}_p50_us", name, s.P50);
                report.Set($"pg_{operation}_p99_us", name, s.P99);
            }
        }
    }

    /// <summary>Brings a fresh database to acode's current PostgreSQL schema.</summary>
    internal static async Task MigrateAsync(string connectionString)
    {
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(source);
    }

    /// <summary>The sessions the save and get measure, written through the store (as an agent would have written them).</summary>
    private static async Task<(List<SaveWorkload.SeededSession> Small, SaveWorkload.SeededSession Big)> SeedAsync(string connectionString, HybridClock clock, int smallCount, int smallToolCalls, int bigToolCalls)
    {
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresRunStateStore(source, Origin, clock);
        var small = new List<SaveWorkload.SeededSession>();
        for (int k = 0; k < smallCount; k++)
        {
            SaveWorkload.SeededSession s = SaveWorkload.NewSession($"Small session {k}");
            for (int i = 0; i < smallToolCalls; i++)
            {
                SaveWorkload.AddToolCall(s.Session, s.Step, i);
            }

            small.Add(s);
        }

        await store.SaveAllAsync([.. small.Select(s => s.Session)]);
        SaveWorkload.SeededSession big = SaveWorkload.NewSession("Big session");
        for (int i = 0; i < bigToolCalls; i++)
        {
            SaveWorkload.AddToolCall(big.Session, big.Step, i);
            if (i % 2000 == 1999 || i == bigToolCalls - 1)
            {
                await store.SaveAsync(big.Session);
            }
        }

        return (small, big);
    }

    /// <summary>
    /// <paramref name="count"/> sessions one second apart, set-based: copies of the document of <paramref name="templateId"/>
    /// with their own id, title, state (all eight in turn) and timestamps, so both sides read real documents.
    /// </summary>
    private static async Task SeedPagedSessionsAsync(string connectionString, string templateId, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO sessions (id, title, goal, state, version, created_at, updated_at, hlc, origin, document)
            SELECT id, title, t.goal, state, 1, ts, ts, hlc, $2,
                   t.document || jsonb_build_object('id', id, 'title', title, 'state', state, 'version', 1, 'createdAt', stamp, 'updatedAt', stamp)
            FROM (SELECT goal, document FROM sessions WHERE id = $1) AS t,
                 generate_series(1, $3) AS i,
                 LATERAL (SELECT timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second' AS ts) AS g,
                 LATERAL (SELECT 'sess_' || lpad(upper(to_hex(i)), 26, '0') AS id, 'Paged session ' || i AS title,
                                 (ARRAY['Created','Planning','AwaitingApproval','Executing','Paused','Completed','Failed','Cancelled'])[1 + i % 8] AS state,
                                 to_char(g.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '0Z' AS stamp,
                                 (extract(epoch FROM g.ts) * 10000000)::bigint + 621355968000000000 AS hlc) AS v;
            """, connection) { CommandTimeout = 600 };
        command.Parameters.Add(new NpgsqlParameter { Value = templateId });
        command.Parameters.Add(new NpgsqlParameter { Value = Origin });
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        await command.ExecuteNonQueryAsync();
        await using var analyze = new NpgsqlCommand("ANALYZE;", connection) { CommandTimeout = 600 };
        await analyze.ExecuteNonQueryAsync();
    }

    /// <summary>Keyset positions spread evenly over the Completed sessions, newest first.</summary>
    private static async Task<List<(DateTimeOffset, string)>> PagePositionsAsync(string connectionString, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT hlc, id FROM (SELECT hlc, id, row_number() OVER (ORDER BY updated_at DESC, id DESC) AS n, count(*) OVER () AS total
                                 FROM sessions WHERE state = 'Completed' AND deleted_at IS NULL) AS ranked
            WHERE n % greatest(1, (total - $2) / $1) = 1 AND n <= total - $2 ORDER BY n;
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = (long)count });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)PageSize });
        var positions = new List<(DateTimeOffset, string)>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            positions.Add((new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero), reader.GetString(1)));
        }

        return positions;
    }

    /// <summary>A copy of a seeded database (CREATE DATABASE … TEMPLATE), so that raw starts from the same rows.</summary>
    private static async Task<string> CopyDatabaseAsync(PostgresServer server, string source)
    {
        string sourceName = new NpgsqlConnectionStringBuilder(source).Database!;
        string name = sourceName + "_raw";
        NpgsqlConnection.ClearAllPools();
        await using (var connection = new NpgsqlConnection(server.AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{sourceName}\";", connection); // generated names
            await command.ExecuteNonQueryAsync();
        }

        return server.ConnectionStringFor(name);
    }

    private static async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!;
    }

    /// <summary>What raw's get builds: the rows' typed columns (counts shown; the objects are built as acode's are).</summary>
    private sealed record RawSession(string Id, string Title, string State, long Version, long LastSequence, int Tasks, int Steps, int ToolCalls, int Artifacts);

    /// <summary>
    /// The limit: one open connection, prepared statements bound by position, the rows' own columns, and in a save the
    /// same rows acode writes (tool call, event, their two <c>sync_applied</c> keys, with <c>hlc</c>, <c>origin</c> and the
    /// entity document) as one batch in one transaction; the event's number is kept in memory, as the SQLite raw store does.
    /// </summary>
    private sealed class RawStore : IAsyncDisposable
    {
        private const string PageSql = """
            SELECT s.id, s.title, s.state, s.version, s.created_at, s.updated_at,
                   (SELECT count(*) FROM session_tasks t WHERE t.session_id = s.id),
                   (SELECT count(*) FROM tool_calls c WHERE c.session_id = s.id)
            FROM sessions s
            WHERE s.deleted_at IS NULL AND s.state = 'Completed' AND (s.updated_at, s.id) < ($1, $2)
            ORDER BY s.updated_at DESC, s.id DESC LIMIT 50;
            """;

        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlBatch _save;
        private readonly NpgsqlBatch _get;
        private readonly NpgsqlCommand _page;
        private readonly RawIds _ids = new();
        private readonly ArrayBufferWriter<byte> _buffer = new(4096);

        private RawStore(NpgsqlConnection connection)
        {
            _connection = connection;
            _save = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    Command("""
                        INSERT INTO tool_calls (id, session_id, step_id, tool_name, arguments, status, result, started_at, completed_at, duration_ticks, version, created_at, updated_at, hlc, origin, document)
                        VALUES ($1, $2, $3, $4, $5, 'Succeeded', $6, $7, $8, $9, 1, $8, $8, $10, $11, $12);
                        """, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Jsonb, NpgsqlDbType.Text,
                        NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Jsonb),
                    Command("""
                        INSERT INTO session_events (id, session_id, sequence, type, payload, version, created_at, updated_at, hlc, origin, document)
                        VALUES ($1, $2, $3, 'tool_call.completed', $4, 1, $5, $5, $6, $7, $8);
                        """, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Jsonb, NpgsqlDbType.TimestampTz, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Jsonb),
                    Command("""
                        INSERT INTO sync_applied (idempotency_key, entity_type, entity_id, origin, outcome)
                        VALUES ($1, 'ToolCall', $2, $5, 'Applied'), ($3, 'SessionEvent', $4, $5, 'Applied');
                        """, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text),
                },
            };
            _get = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    Command("SELECT id, title, goal, state, version, created_at, updated_at, (SELECT coalesce(max(sequence), 0) FROM session_events WHERE session_id = $1) FROM sessions WHERE id = $1 AND deleted_at IS NULL;", NpgsqlDbType.Text),
                    Command("SELECT id, ordinal, title, description, state, started_at, completed_at, version, created_at, updated_at FROM session_tasks WHERE session_id = $1 ORDER BY ordinal;", NpgsqlDbType.Text),
                    Command("SELECT id, task_id, ordinal, title, description, state, started_at, completed_at, version, created_at, updated_at FROM steps WHERE session_id = $1 ORDER BY task_id, ordinal;", NpgsqlDbType.Text),
                    Command("SELECT id, step_id, tool_name, arguments::text, status, result, error, started_at, completed_at, duration_ticks, version, created_at, updated_at FROM tool_calls WHERE session_id = $1 ORDER BY id;", NpgsqlDbType.Text),
                    Command("SELECT id, step_id, tool_call_id, name, kind, media_type, size, content_hash, content, version, created_at, updated_at FROM artifacts WHERE session_id = $1 ORDER BY id;", NpgsqlDbType.Text),
                },
            };
            _page = new NpgsqlCommand(PageSql, connection);
            _page.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz });
            _page.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text });
        }

        /// <summary>Opens the connection with JIT off, as acode's data sources are (<c>PostgresDataSourceFactory</c>).</summary>
        public static async Task<RawStore> OpenAsync(string connectionString)
        {
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Options = "-c jit=off" }.ConnectionString);
            await connection.OpenAsync();
            var store = new RawStore(connection);
            await store._save.PrepareAsync();
            await store._get.PrepareAsync();
            await store._page.PrepareAsync();
            return store;
        }

        public async Task SaveAsync(SaveWorkload.SessionRef session, int i)
        {
            DateTime stamp = _ids.NextStamp();
            string ts = RawIds.Format(stamp);
            TimeSpan duration = TimeSpan.FromMilliseconds(5 + (i % 300));
            string toolCallId = _ids.New("tc");
            string tool = Text.Tool(i), arguments = Text.Arguments(i), output = Text.Output(i);
            string toolDocument = Json(w =>
            {
                w.WriteString("entity", "ToolCall");
                w.WriteNumber("schema", 1);
                w.WriteString("id", toolCallId);
                w.WriteNumber("version", 1);
                w.WriteString("createdAt", ts);
                w.WriteString("updatedAt", ts);
                w.WriteString("sessionId", session.SessionId);
                w.WriteString("stepId", session.StepId);
                w.WriteString("toolName", tool);
                w.WriteString("arguments", arguments);
                w.WriteString("status", "Succeeded");
                w.WriteString("result", output);
                w.WriteString("startedAt", RawIds.Format(stamp - duration));
                w.WriteString("completedAt", ts);
                w.WriteNumber("durationTicks", duration.Ticks);
            });

            DateTime eventStamp = _ids.NextStamp();
            string ets = RawIds.Format(eventStamp);
            string eventId = _ids.New("evt");
            long sequence = session.LastSequence + 1;
            string payload = $$"""{"toolCallId":"{{toolCallId}}","tool":"{{tool}}","status":"Succeeded"}""";
            string eventDocument = Json(w =>
            {
                w.WriteString("entity", "SessionEvent");
                w.WriteNumber("schema", 1);
                w.WriteString("id", eventId);
                w.WriteNumber("version", 1);
                w.WriteString("createdAt", ets);
                w.WriteString("updatedAt", ets);
                w.WriteString("sessionId", session.SessionId);
                w.WriteNumber("sequence", sequence);
                w.WriteString("type", "tool_call.completed");
                w.WriteString("payload", payload);
            });

            Bind(_save.BatchCommands[0], toolCallId, session.SessionId, session.StepId, tool, arguments, output, stamp - duration, stamp, duration.Ticks, stamp.Ticks, Origin, toolDocument);
            Bind(_save.BatchCommands[1], eventId, session.SessionId, sequence, payload, eventStamp, eventStamp.Ticks, Origin, eventDocument);
            Bind(_save.BatchCommands[2], $"ToolCall:{toolCallId}:{ts}", toolCallId, $"SessionEvent:{eventId}:{ets}", eventId, Origin);
            await using NpgsqlTransaction transaction = await _connection.BeginTransactionAsync();
            _save.Transaction = transaction;
            await _save.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
            session.LastSequence = sequence;
        }

        public async Task<RawSession> GetAsync(string id)
        {
            foreach (NpgsqlBatchCommand command in _get.BatchCommands)
            {
                command.Parameters[0].Value = id;
            }

            await using NpgsqlTransaction transaction = await _connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
            _get.Transaction = transaction;
            RawSession? session = null;
            int[] counts = new int[4];
            await using (NpgsqlDataReader r = await _get.ExecuteReaderAsync())
            {
                if (await r.ReadAsync())
                {
                    _ = (r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetFieldValue<DateTime>(5), r.GetFieldValue<DateTime>(6));
                    session = new RawSession(r.GetString(0), r.GetString(1), r.GetString(3), r.GetInt64(4), r.GetInt64(7), 0, 0, 0, 0);
                }

                for (int set = 0; set < counts.Length && await r.NextResultAsync(); set++)
                {
                    while (await r.ReadAsync())
                    {
                        // Every column read, as a store building the objects would.
                        for (int c = 0; c < r.FieldCount; c++)
                        {
                            _ = r.IsDBNull(c) ? null : r.GetValue(c);
                        }

                        counts[set]++;
                    }
                }
            }

            await transaction.CommitAsync();
            return (session ?? throw new InvalidOperationException($"No session {id}.")) with { Tasks = counts[0], Steps = counts[1], ToolCalls = counts[2], Artifacts = counts[3] };
        }

        public async Task<List<string>> PageAsync(DateTimeOffset at, string id)
        {
            _page.Parameters[0].Value = at;
            _page.Parameters[1].Value = id;
            var ids = new List<string>(PageSize);
            await using NpgsqlDataReader r = await _page.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                ids.Add(r.GetString(0));
                _ = new SessionSummary(SessionId.Parse(r.GetString(0)), r.GetString(1), Enum.Parse<SessionState>(r.GetString(2)), r.GetInt64(3),
                    r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateTimeOffset>(5), (int)r.GetInt64(6), (int)r.GetInt64(7));
            }

            return ids;
        }

        public async ValueTask DisposeAsync()
        {
            await _save.DisposeAsync();
            await _get.DisposeAsync();
            await _page.DisposeAsync();
            await _connection.DisposeAsync();
        }

        private static NpgsqlBatchCommand Command(string sql, params NpgsqlDbType[] types)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (NpgsqlDbType type in types)
            {
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type });
            }

            return command;
        }

        private static void Bind(NpgsqlBatchCommand command, params object[] values)
        {
            for (int p = 0; p < values.Length; p++)
            {
                command.Parameters[p].Value = values[p];
            }
        }

        private string Json(Action<Utf8JsonWriter> write)
        {
            _buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(_buffer))
            {
                writer.WriteStartObject();
                write(writer);
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(_buffer.WrittenSpan);
        }
    }
}

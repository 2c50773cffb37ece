using System.Globalization;
using Acode.Application.Outbox;
using Acode.Application.Queries;
using Acode.Application.Serialization;
using Acode.Benchmarks.EfCore;
using Acode.Benchmarks.Harness;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Workloads 2, 3 and 5 on one workspace of <see cref="BenchSettings.Sessions"/> sessions: read one session by id
/// (header + tasks), a keyset page of 50 sessions of one state at a random depth, and the cold start of
/// <c>acode db status</c>. All three implementations read the very same file.
/// </summary>
public static class SessionsWorkload
{
    private static readonly SessionState[] PageStates = [SessionState.Completed, SessionState.Failed, SessionState.Paused];

    public static async Task RunAsync(BenchSettings settings, string workDir, Report report)
    {
        var workspace = new Workspace(Path.Combine(workDir, "sessions"));
        Console.WriteLine($"[sessions] seeding {settings.Sessions:N0} sessions ({settings.SessionsWithTasks:N0} with {settings.TasksPerSession} tasks)");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        List<string> withTasks = SessionsSeeder.Seed(workspace, settings.Sessions, settings.SessionsWithTasks, settings.TasksPerSession);
        Console.WriteLine($"[sessions] seeded in {watch.Elapsed.TotalSeconds:F0} s, {new FileInfo(workspace.DatabasePath).Length / 1048576.0:F0} MB");

        if (settings.Runs("read") || settings.Runs("page"))
        {
            using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace);
            var store = new SqliteRunStateStore(database);
            using var raw = new RawReader(workspace.DatabasePath);
            DbContextOptions<BenchDbContext> efOptions = BenchDbContext.OptionsFor(workspace.DatabasePath);
            if (settings.Runs("read"))
            {
                await ReadAsync(settings, withTasks, store, raw, efOptions, report);
            }

            if (settings.Runs("page"))
            {
                await PageAsync(settings, raw, store, CursorStore.Workspace(database.WorkspaceId), efOptions, report);
            }
        }

        SqliteConnection.ClearAllPools();
        if (settings.Runs("status"))
        {
            await StatusWorkload.RunAsync(settings, workspace, workDir, report);
        }
    }

    private static async Task ReadAsync(BenchSettings settings, List<string> ids, SqliteRunStateStore store, RawReader raw, DbContextOptions<BenchDbContext> efOptions, Report report)
    {
        var random = new Random(42);
        int rounds = Math.Max(1, settings.Reads / settings.BlockSize);
        string[] targets = [.. Enumerable.Range(0, rounds * settings.BlockSize).Select(_ => ids[random.Next(ids.Count)])];
        string[] warm = [.. Enumerable.Range(0, 20_000).Select(_ => ids[random.Next(ids.Count)])];
        string Target(int round, int i) => round < 0 ? warm[i % warm.Length] : targets[(round * settings.BlockSize) + i];

        // Same answer from all three.
        Session? check = await store.GetSessionAsync(SessionId.Parse(ids[0]));
        await using (var context = new BenchDbContext(efOptions))
        {
            SessionRow? row = await context.Sessions.AsNoTracking().Include(s => s.Tasks).FirstOrDefaultAsync(s => s.Id == ids[0]);
            if (check is null || row is null || check.Tasks.Count != settings.TasksPerSession || row.Tasks.Count != check.Tasks.Count || raw.Read(ids[0]).Tasks.Count != check.Tasks.Count)
            {
                throw new InvalidOperationException("The implementations disagree on the session read.");
            }
        }

        Dictionary<string, Samples> samples = await Latency.InterleavedAsync(
        [
            new(Report.Acode, async (round, i) => _ = await store.GetSessionAsync(SessionId.Parse(Target(round, i))) ?? throw new InvalidOperationException("missing")),
            new(Report.Raw, (round, i) =>
            {
                _ = raw.Read(Target(round, i));
                return Task.CompletedTask;
            }),
            new(Report.EfCore, async (round, i) =>
            {
                string id = Target(round, i);
                await using var context = new BenchDbContext(efOptions);
                _ = await context.Sessions.AsNoTracking().Include(s => s.Tasks).FirstOrDefaultAsync(s => s.Id == id) ?? throw new InvalidOperationException("missing");
            }),
        ], warmup: 500, rounds, settings.BlockSize, TimeSpan.FromSeconds(0.5));
        foreach ((string name, Samples s) in samples)
        {
            Console.WriteLine($"[read] {name,-6} {s}");
            report.Set("read_p50_us", name, s.P50);
            report.Set("read_p99_us", name, s.P99);
        }

        IReadOnlyList<(string Step, double P50)> ladder = await ReadLadder.RunAsync(
            raw.DatabasePath,
            async id => _ = await store.GetSessionAsync(SessionId.Parse(id)),
            id =>
            {
                _ = raw.Read(id);
                return Task.CompletedTask;
            },
            targets, Math.Max(1, rounds / 2), settings.BlockSize);
        foreach ((string step, double p50) in ladder)
        {
            Console.WriteLine($"[read] ladder p50 {p50,7:F1} µs  {step}");
            report.AddExtra($"read ladder: {step}", $"p50 {p50:F1} µs");
        }
    }

    private static async Task PageAsync(BenchSettings settings, RawReader raw, SqliteRunStateStore store, CursorStore cursorStore, DbContextOptions<BenchDbContext> efOptions, Report report)
    {
        // Random depths: sampled positions (updated_at, id) inside each state's rows, in page order.
        var positions = PageStates.ToDictionary(s => s, s => raw.SamplePositions(s.ToString(), 2_000));
        var random = new Random(7);
        int rounds = Math.Max(1, settings.Pages / settings.BlockSize);
        PageTarget[] targets = [.. Enumerable.Range(0, (rounds * settings.BlockSize) + 5_000).Select(_ =>
        {
            SessionState state = PageStates[random.Next(PageStates.Length)];
            (DateTimeOffset ts, string id) = positions[state][random.Next(positions[state].Count)];
            return new PageTarget(state, ts, id, SessionCursor.After(new SessionFilter { States = [state] }, SessionSort.UpdatedDescending, ts, SessionId.Parse(id), cursorStore).Encode());
        })];
        PageTarget Target(int round, int i) => round < 0 ? targets[(rounds * settings.BlockSize) + (i % 5_000)] : targets[(round * settings.BlockSize) + i];

        PageTarget probe = targets[0];
        Page<SessionSummary> acodePage = await AcodePage(store, probe);
        List<SessionSummary> rawPage = raw.Page(probe.State.ToString(), probe.Timestamp, probe.Id);
        List<SessionSummary> efPage = await EfPage(efOptions, probe);
        if (!acodePage.Items.Select(s => s.Id.Value).SequenceEqual(rawPage.Take(50).Select(s => s.Id.Value))
            || !efPage.Select(s => s.Id.Value).SequenceEqual(rawPage.Select(s => s.Id.Value)))
        {
            throw new InvalidOperationException("The implementations disagree on the page.");
        }

        (string efSql, List<(string, object)> efParameters) = EfPageSql(efOptions, probe);
        Console.WriteLine($"[page] plan acode/raw: {raw.Explain(raw.PageSql, [("$state", probe.State.ToString()), ("$ts", UtcTimestamp.Format(probe.Timestamp)), ("$id", probe.Id)])}");
        Console.WriteLine($"[page] plan efcore:    {raw.Explain(efSql, efParameters)}");
        Dictionary<string, Samples> samples = await Latency.InterleavedAsync(
        [
            new(Report.Acode, async (round, i) => _ = await AcodePage(store, Target(round, i))),
            new(Report.Raw, (round, i) =>
            {
                PageTarget t = Target(round, i);
                _ = raw.Page(t.State.ToString(), t.Timestamp, t.Id);
                return Task.CompletedTask;
            }),
            new(Report.EfCore, async (round, i) => _ = await EfPage(efOptions, Target(round, i))),
        ], warmup: 100, rounds, settings.BlockSize, TimeSpan.FromSeconds(0.5));
        foreach ((string name, Samples s) in samples)
        {
            Console.WriteLine($"[page] {name,-6} {s}");
            report.Set("page_p50_us", name, s.P50);
            report.Set("page_p99_us", name, s.P99);
        }
    }

    private static Task<Page<SessionSummary>> AcodePage(SqliteRunStateStore store, PageTarget t)
        => store.QuerySessionsAsync(new SessionFilter { States = [t.State] }, SessionSort.UpdatedDescending, new PaginationOptions { Limit = 50, Cursor = t.Cursor });

    /// <summary>Keyset pagination as EF Core's documentation writes it: <c>Where(x =&gt; x.Date &lt; last || (x.Date == last &amp;&amp; x.Id &lt; lastId))</c>.</summary>
    private static IQueryable<SessionSummary> EfPageQuery(BenchDbContext context, PageTarget t)
    {
        string state = t.State.ToString();
        DateTimeOffset ts = t.Timestamp;
        string id = t.Id;
        return context.Sessions.AsNoTracking()
            .Where(s => s.State == state && (s.UpdatedAt < ts || (s.UpdatedAt == ts && string.Compare(s.Id, id) < 0)))
            .OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id)
            .Take(51)
            .Select(s => new SessionSummary(SessionId.Parse(s.Id), s.Title, Enum.Parse<SessionState>(s.State), s.Version, s.CreatedAt, s.UpdatedAt, s.Tasks.Count, s.ToolCalls.Count));
    }

    private static async Task<List<SessionSummary>> EfPage(DbContextOptions<BenchDbContext> options, PageTarget t)
    {
        await using var context = new BenchDbContext(options);
        return await EfPageQuery(context, t).ToListAsync();
    }

    /// <summary>The SQL EF Core sends for a page, and its parameters (from ToQueryString's <c>.param set</c> lines).</summary>
    private static (string Sql, List<(string, object)> Parameters) EfPageSql(DbContextOptions<BenchDbContext> options, PageTarget t)
    {
        using var context = new BenchDbContext(options);
        string[] lines = EfPageQuery(context, t).ToQueryString().Split('\n');
        var parameters = new List<(string, object)>();
        foreach (string line in lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)))
        {
            string[] parts = line[".param set ".Length..].Split(' ', 2);
            string value = parts[1].Trim();
            parameters.Add((parts[0], value.StartsWith('\'') ? value.Trim('\'') : long.Parse(value, CultureInfo.InvariantCulture)));
        }

        return (string.Join('\n', lines.Where(l => !l.StartsWith(".param", StringComparison.Ordinal))), parameters);
    }

    public sealed record PageTarget(SessionState State, DateTimeOffset Timestamp, string Id, string Cursor);

    /// <summary>The limit for reads: one open read-only connection, prepared statements, one read transaction per session read.</summary>
    private sealed class RawReader : IDisposable
    {
        public readonly string PageSql = """
            SELECT s.id, s.title, s.state, s.version, s.created_at, s.updated_at,
                   (SELECT count(*) FROM session_tasks t WHERE t.session_id = s.id),
                   (SELECT count(*) FROM tool_calls c WHERE c.session_id = s.id)
            FROM sessions s
            WHERE s.state = $state AND s.updated_at <= $ts AND (s.updated_at < $ts OR s.id < $id)
            ORDER BY s.updated_at DESC, s.id DESC LIMIT 51;
            """;

        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _header;
        private readonly SqliteCommand _tasks;
        private readonly SqliteCommand _page;

        public RawReader(string databasePath)
        {
            DatabasePath = databasePath;
            _connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
            _connection.Open();
            _header = Prepare("SELECT id, title, goal, state, version, created_at, updated_at FROM sessions WHERE id = $id;", "$id");
            _tasks = Prepare("SELECT id, ordinal, title, description, state, started_at, completed_at, version, created_at, updated_at FROM session_tasks WHERE session_id = $id ORDER BY ordinal;", "$id");
            _page = Prepare(PageSql, "$state", "$ts", "$id");
        }

        public string DatabasePath { get; }

        public RawSession Read(string id)
        {
            using SqliteTransaction transaction = _connection.BeginTransaction(deferred: true);
            _header.Transaction = transaction;
            _tasks.Transaction = transaction;
            _header.Parameters[0].Value = id;
            _tasks.Parameters[0].Value = id;
            RawSession session;
            using (SqliteDataReader r = _header.ExecuteReader())
            {
                if (!r.Read())
                {
                    throw new InvalidOperationException("missing");
                }

                session = new RawSession(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), Enum.Parse<SessionState>(r.GetString(3)), r.GetInt64(4), Ts(r, 5), Ts(r, 6), []);
            }

            using (SqliteDataReader r = _tasks.ExecuteReader())
            {
                while (r.Read())
                {
                    session.Tasks.Add(new RawTask(r.GetString(0), r.GetInt32(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
                        r.IsDBNull(5) ? null : Ts(r, 5), r.IsDBNull(6) ? null : Ts(r, 6), r.GetInt64(7), Ts(r, 8), Ts(r, 9)));
                }
            }

            transaction.Commit();
            return session;
        }

        public List<SessionSummary> Page(string state, DateTimeOffset ts, string id)
        {
            _page.Parameters[0].Value = state;
            _page.Parameters[1].Value = UtcTimestamp.Format(ts);
            _page.Parameters[2].Value = id;
            var items = new List<SessionSummary>(51);
            using SqliteDataReader r = _page.ExecuteReader();
            while (r.Read())
            {
                items.Add(new SessionSummary(SessionId.Parse(r.GetString(0)), r.GetString(1), Enum.Parse<SessionState>(r.GetString(2)), r.GetInt64(3), Ts(r, 4), Ts(r, 5), r.GetInt32(6), r.GetInt32(7)));
            }

            return items;
        }

        /// <summary>About <paramref name="count"/> positions spread evenly over the rows of <paramref name="state"/>, in page order.</summary>
        public List<(DateTimeOffset, string)> SamplePositions(string state, int count)
        {
            using SqliteCommand command = _connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sessions WHERE state = $state;";
            command.Parameters.AddWithValue("$state", state);
            long total = (long)command.ExecuteScalar()!;
            long stride = Math.Max(1, total / count);
            command.CommandText = "SELECT updated_at, id FROM sessions WHERE state = $state ORDER BY updated_at DESC, id DESC;";
            var positions = new List<(DateTimeOffset, string)>(count + 1);
            using SqliteDataReader r = command.ExecuteReader();
            for (long row = 0; r.Read(); row++)
            {
                if (row % stride == 0)
                {
                    positions.Add((Ts(r, 0), r.GetString(1)));
                }
            }

            return positions;
        }

        /// <summary>EXPLAIN QUERY PLAN of <paramref name="sql"/>; parameters are bound from <paramref name="parameters"/>.</summary>
        public string Explain(string sql, IEnumerable<(string Name, object Value)> parameters)
        {
            using SqliteCommand command = _connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
            foreach ((string name, object value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            try
            {
                var lines = new List<string>();
                using SqliteDataReader r = command.ExecuteReader();
                while (r.Read())
                {
                    lines.Add(r.GetString(3));
                }

                return string.Join(" / ", lines);
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                return $"(no plan: {ex.Message})";
            }
        }

        public void Dispose()
        {
            _header.Dispose();
            _tasks.Dispose();
            _page.Dispose();
            _connection.Dispose();
        }

        private SqliteCommand Prepare(string sql, params string[] parameters)
        {
            SqliteCommand command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (string name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            command.Prepare();
            return command;
        }

        private static DateTimeOffset Ts(SqliteDataReader r, int ordinal) => Raw.RawIds.Parse(r.GetString(ordinal));
    }

    public sealed record RawSession(string Id, string Title, string? Goal, SessionState State, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, List<RawTask> Tasks);

    public sealed record RawTask(string Id, int Ordinal, string Title, string? Description, string State, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
}

/// <summary>
/// Builds the big sessions workspace directly with prepared INSERTs (untimed): rows exactly as acode writes them
/// (ids, timestamp text, entity documents serialized by acode's own serializer, one outbox record per row), states
/// spread like a real history, the outbox synced except for the last 1 000 sessions.
/// </summary>
public static class SessionsSeeder
{
    public static List<string> Seed(Workspace workspace, int sessions, int withTasks, int tasksPerSession)
    {
        string origin;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace))
        {
            origin = database.WorkspaceId!;
        }

        var ids = new List<string>(withTasks);
        using var connection = new SqliteConnection($"Data Source={workspace.DatabasePath};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA foreign_keys = OFF;");
        using SqliteCommand session = Prepare(connection, "INSERT INTO sessions (id, title, goal, state, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7);", 7);
        using SqliteCommand evt = Prepare(connection, "INSERT INTO session_events (id, session_id, sequence, type, payload, version, created_at, updated_at) VALUES ($1, $2, 1, 'session.created', $3, 1, $4, $4);", 4);
        using SqliteCommand task = Prepare(connection, "INSERT INTO session_tasks (id, session_id, ordinal, title, description, state, started_at, completed_at, version, created_at, updated_at) VALUES ($1, $2, $3, $4, NULL, 'Completed', $5, $6, 3, $5, $6);", 6);
        using SqliteCommand outbox = Prepare(connection, """
            INSERT INTO outbox (hlc, entity_type, entity_id, session_id, operation, base_version, version, origin, payload, status, attempts, next_attempt_at, created_at, updated_at, processed_at)
            VALUES ($1, $2, $3, $4, 'Upsert', $5, $6, $7, $8, $9, $10, $11, $11, $12, $13);
            """, 13);

        DateTimeOffset start = DateTimeOffset.UtcNow.AddDays(-400);
        double spacingTicks = TimeSpan.FromDays(365).Ticks / (double)sessions;
        int taskEvery = withTasks == 0 ? int.MaxValue : Math.Max(1, sessions / withTasks);
        var random = new Random(1234);
        SqliteTransaction? transaction = null;
        for (int k = 0; k < sessions; k++)
        {
            if (k % 20_000 == 0)
            {
                transaction?.Commit();
                transaction?.Dispose();
                transaction = connection.BeginTransaction();
                session.Transaction = evt.Transaction = task.Transaction = outbox.Transaction = transaction;
            }

            string id = SessionId.New().Value;
            DateTimeOffset created = start.AddTicks((long)(k * spacingTicks));
            DateTimeOffset updated = created.AddSeconds(random.Next(60, 3 * 86_400));
            string state = StateOf(random.Next(100));
            string title = $"Session {k}: {Text.Sentence(k, 40)}";
            string goal = Text.Sentence(k + 7, 80);
            string c = UtcTimestamp.Format(created), u = UtcTimestamp.Format(updated);
            bool synced = k < sessions - 1_000;
            Run(session, id, title, goal, state, 4L, c, u);
            string sessionDoc = EntityJson.Serialize(new SessionDocument { Id = id, Version = 4, CreatedAt = c, UpdatedAt = u, Title = title, Goal = goal, State = state });
            AddOutbox(outbox, EntityType.Session, id, id, 3, 4, origin, sessionDoc, updated, synced);

            string eventId = EventId.New().Value;
            string payload = $$"""{"title":"Session {{k}}"}""";
            Run(evt, eventId, id, payload, c);
            string eventDoc = EntityJson.Serialize(new SessionEventDocument { Id = eventId, Version = 1, CreatedAt = c, UpdatedAt = c, SessionId = id, Sequence = 1, Type = "session.created", Payload = payload });
            AddOutbox(outbox, EntityType.SessionEvent, eventId, id, 0, 1, origin, eventDoc, created, synced);

            if (k % taskEvery == taskEvery / 2 && ids.Count < withTasks)
            {
                ids.Add(id);
                for (int t = 1; t <= tasksPerSession; t++)
                {
                    string taskId = TaskId.New().Value;
                    string taskTitle = $"Task {t}: {Text.Sentence(k + t, 30)}";
                    DateTimeOffset taskDone = created.AddMinutes(t);
                    string tc = UtcTimestamp.Format(created.AddSeconds(t)), tu = UtcTimestamp.Format(taskDone);
                    Run(task, taskId, id, (long)t, taskTitle, tc, tu);
                    string taskDoc = EntityJson.Serialize(new SessionTaskDocument { Id = taskId, Version = 3, CreatedAt = tc, UpdatedAt = tu, SessionId = id, Ordinal = t, Title = taskTitle, State = "Completed", StartedAt = tc, CompletedAt = tu });
                    AddOutbox(outbox, EntityType.SessionTask, taskId, id, 2, 3, origin, taskDoc, taskDone, synced);
                }
            }
        }

        transaction?.Commit();
        transaction?.Dispose();
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        return ids;
    }

    private static string StateOf(int percent) => percent switch
    {
        < 55 => "Completed",
        < 70 => "Failed",
        < 80 => "Cancelled",
        < 90 => "Paused",
        < 95 => "Executing",
        _ => "Planning",
    };

    private static void AddOutbox(SqliteCommand outbox, EntityType type, string id, string sessionId, long baseVersion, long version, string origin, string payload, DateTimeOffset stamp, bool synced)
    {
        string at = UtcTimestamp.Format(stamp);
        string? processed = synced ? UtcTimestamp.Format(stamp.AddSeconds(2)) : null;
        Run(outbox, stamp.UtcTicks, type.ToString(), id, sessionId, baseVersion, version, origin, payload, synced ? "Processed" : "Pending", synced ? 1L : 0L, at, processed ?? at, processed);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, int parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        for (int p = 1; p <= parameters; p++)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = "$" + p.ToString(CultureInfo.InvariantCulture) });
        }

        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, params object?[] values)
    {
        for (int p = 0; p < values.Length; p++)
        {
            command.Parameters[p].Value = values[p] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

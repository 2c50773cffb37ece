using System.Buffers;
using System.Text;
using System.Text.Json;
using Acode.Application.Options;
using Acode.Benchmarks.EfCore;
using Acode.Benchmarks.Harness;
using Acode.Benchmarks.Raw;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Workload 1: save one tool call (its row, one event, and the outbox record of each, in one transaction) into a
/// session that already holds 10 tool calls and into one that holds 100 000. Each implementation writes into its
/// own copy of the same seeded workspace file, at <c>synchronous=FULL</c> (acode's default; SQLite's default too).
/// </summary>
public static class SaveWorkload
{
    public static async Task RunAsync(BenchSettings settings, string workDir, Report report)
    {
        int rounds = Math.Max(1, settings.Saves / settings.BlockSize);
        Console.WriteLine($"[save] seeding: {rounds + 1} sessions with {settings.SmallSessionToolCalls} tool calls, one with {settings.BigSessionToolCalls:N0}");
        var seeded = await SeedAsync(Path.Combine(workDir, "save-acode"), rounds + 1, settings.SmallSessionToolCalls, settings.BigSessionToolCalls);
        CopyWorkspace(Path.Combine(workDir, "save-acode"), Path.Combine(workDir, "save-raw"));
        CopyWorkspace(Path.Combine(workDir, "save-acode"), Path.Combine(workDir, "save-efcore"));
        CopyWorkspace(Path.Combine(workDir, "save-acode"), Path.Combine(workDir, "save-raw-counters"));
        DropRowCounters(new Workspace(Path.Combine(workDir, "save-raw")).DatabasePath);
        DropRowCounters(new Workspace(Path.Combine(workDir, "save-efcore")).DatabasePath);

        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(Path.Combine(workDir, "save-acode")));
        var clock = new Acode.Domain.Time.HybridClock(database.Time);
        var store = new SqliteRunStateStore(database, clock);

        // The same database and held sessions saved with redaction off: what scanning for secrets costs a save.
        var unredacted = new SqliteRunStateStore(database, clock, redactor: Acode.Application.Redaction.SecretRedactor.Disabled);
        using var raw = new RawSaver(new Workspace(Path.Combine(workDir, "save-raw")).DatabasePath);
        using var counted = new RawSaver(new Workspace(Path.Combine(workDir, "save-raw-counters")).DatabasePath);
        var ef = new EfSaver(new Workspace(Path.Combine(workDir, "save-efcore")).DatabasePath);
        Console.WriteLine($"[save] synchronous: acode={database.Options.Synchronous} raw={raw.Synchronous()} efcore={ef.Synchronous()} (SQLite: 2 = FULL)");

        int counter = 1_000_000;
        foreach ((string label, bool big) in new[] { ("10", false), ("100k", true) })
        {
            SessionRef[] rawRefs = big ? [seeded.Big.Ref()] : [.. seeded.Small.Select(s => s.Ref())];
            SessionRef[] efRefs = big ? [seeded.Big.Ref()] : [.. seeded.Small.Select(s => s.Ref())];
            SessionRef[] countedRefs = big ? [seeded.Big.Ref()] : [.. seeded.Small.Select(s => s.Ref())];
            SeededSession[] acodeSessions = big ? [seeded.Big] : [.. seeded.Small];
            int Pick(int round) => big ? 0 : round + 1;
            Dictionary<string, Samples> samples = await Latency.InterleavedAsync(
            [
                new(Report.Acode, async (round, _) =>
                {
                    SeededSession s = acodeSessions[Pick(round)];
                    AddToolCall(s.Session, s.Step, counter++);
                    await store.SaveAsync(s.Session);
                }),
                new(AcodeUnredacted, async (round, _) =>
                {
                    SeededSession s = acodeSessions[Pick(round)];
                    AddToolCall(s.Session, s.Step, counter++);
                    await unredacted.SaveAsync(s.Session);
                }),
                new(Report.Raw, (round, _) =>
                {
                    raw.Save(rawRefs[Pick(round)], counter++);
                    return Task.CompletedTask;
                }),
                new(Report.EfCore, (round, _) => ef.SaveAsync(efRefs[Pick(round)], counter++)),
                new(RawWithCounters, (round, _) =>
                {
                    counted.Save(countedRefs[Pick(round)], counter++);
                    return Task.CompletedTask;
                }),
            ], warmup: 100, rounds, settings.BlockSize, TimeSpan.FromSeconds(0.5));

            foreach ((string name, Samples s) in samples)
            {
                if (name == RawWithCounters)
                {
                    Console.WriteLine($"[save] {label,-4} {name} {s}");
                    report.AddExtra($"save p50 / p99 at {(big ? settings.BigSessionToolCalls.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : label)} tool calls, raw on a copy that keeps acode's row counters", $"{s.P50:F1} / {s.P99:F1} µs (raw without them: {samples[Report.Raw].P50:F1} / {samples[Report.Raw].P99:F1} µs)");
                    continue;
                }

                if (name == AcodeUnredacted)
                {
                    Console.WriteLine($"[save] {label,-4} {name} {s}");
                    report.AddExtra($"save p50 / p99 at {(big ? settings.BigSessionToolCalls.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : label)} tool calls, acode with secret redaction off (on by default, as in the acode column)", $"{s.P50:F1} / {s.P99:F1} µs (on: {samples[Report.Acode].P50:F1} / {samples[Report.Acode].P99:F1} µs)");
                    continue;
                }

                Console.WriteLine($"[save] {label,-4} {name,-6} {s}");
                if (big)
                {
                    report.Set("save_p50_us_100k", name, s.P50);
                    report.AddExtra($"save p99 at {settings.BigSessionToolCalls:N0} tool calls, {name}", $"{s.P99:F1} µs");
                }
                else
                {
                    report.Set("save_p50_us", name, s.P50);
                    report.Set("save_p99_us", name, s.P99);
                }
            }
        }

        RedactionScan.Run(report);
    }

    /// <summary>acode's store on the same database with secret redaction switched off.</summary>
    private const string AcodeUnredacted = "acode-redaction-off";

    /// <summary>The raw store on a copy that keeps acode's row counters (schema 1.1.0 triggers): what the counters cost a save.</summary>
    private const string RawWithCounters = "raw+counters";

    /// <summary>
    /// Drops the triggers that keep acode's row counters (schema 1.1.0, for <c>acode db status</c>) from a copy, so that raw
    /// and EF Core write the workload's rows and nothing else, as a program without acode's machinery would.
    /// </summary>
    public static void DropRowCounters(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        var triggers = new List<string>();
        using (SqliteCommand list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'row\\_counts\\_%' ESCAPE '\\';";
            using SqliteDataReader reader = list.ExecuteReader();
            while (reader.Read())
            {
                triggers.Add(reader.GetString(0));
            }
        }

        if (triggers.Count == 0)
        {
            throw new InvalidOperationException($"No row-counter triggers in {databasePath}: the schema changed, update the benchmark.");
        }

        using SqliteCommand drop = connection.CreateCommand();
        drop.CommandText = string.Concat(triggers.Select(t => $"DROP TRIGGER \"{t}\";"));
        drop.ExecuteNonQuery();
    }

    /// <summary>A session the agent is working on, and the step its next tool calls go to.</summary>
    public sealed record SeededSession(Session Session, Step Step)
    {
        public SessionRef Ref() => new(Session.Id.Value, Step.Id.Value, Session.LastEventSequence);
    }

    /// <summary>What a hand-written store keeps about a session it appends to.</summary>
    public sealed class SessionRef(string sessionId, string stepId, long lastSequence)
    {
        public string SessionId { get; } = sessionId;

        public string StepId { get; } = stepId;

        public long LastSequence { get; set; } = lastSequence;
    }

    public static void AddToolCall(Session session, Step step, int i)
    {
        ToolCall call = step.AddToolCall(Text.Tool(i), Text.Arguments(i));
        call.Succeed(Text.Output(i), TimeSpan.FromMilliseconds(5 + (i % 300)));
        session.AppendEvent("tool_call.completed", $$"""{"toolCallId":"{{call.Id.Value}}","tool":"{{call.ToolName}}","status":"Succeeded"}""");
    }

    public static SeededSession NewSession(string title)
    {
        Session session = Session.Create(title, "Make the flaky DateParser test pass and keep the build green.");
        session.TransitionTo(SessionState.Executing);
        Step step = session.AddTask("Fix the failing test").AddStep("Reproduce, edit, re-run");
        return new SeededSession(session, step);
    }

    private static async Task<(List<SeededSession> Small, SeededSession Big)> SeedAsync(string root, int smallCount, int smallToolCalls, int bigToolCalls)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(root), new SqliteOptions { Synchronous = SqliteSynchronous.Normal });
        var store = new SqliteRunStateStore(database);
        var small = new List<SeededSession>();
        for (int k = 0; k < smallCount; k++)
        {
            SeededSession s = NewSession($"Small session {k}");
            for (int i = 0; i < smallToolCalls; i++)
            {
                AddToolCall(s.Session, s.Step, i);
            }

            small.Add(s);
        }

        await store.SaveAllAsync([.. small.Select(s => s.Session)]);
        SeededSession big = NewSession("Big session");
        for (int i = 0; i < bigToolCalls; i++)
        {
            AddToolCall(big.Session, big.Step, i);
            if (i % 1000 == 999 || i == bigToolCalls - 1)
            {
                await store.SaveAsync(big.Session);
            }
        }

        return (small, big);
    }

    /// <summary>Copies a closed workspace (the database is checkpointed and its WAL removed on close).</summary>
    public static void CopyWorkspace(string from, string to)
    {
        var source = new Workspace(from);
        var target = new Workspace(to);
        Directory.CreateDirectory(target.AgentDirectory);
        foreach (string file in Directory.GetFiles(source.AgentDirectory))
        {
            File.Copy(file, Path.Combine(target.AgentDirectory, Path.GetFileName(file)), overwrite: true);
        }
    }

    /// <summary>
    /// The limit: one connection, four prepared INSERTs bound by position, one transaction, the payload JSON written
    /// with a Utf8JsonWriter. Same pragmas as acode (WAL, synchronous=FULL, foreign_keys=ON).
    /// </summary>
    private sealed class RawSaver : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _toolCall;
        private readonly SqliteCommand _event;
        private readonly SqliteCommand _outbox;
        private readonly RawIds _ids = new();
        private readonly string _origin;
        private readonly ArrayBufferWriter<byte> _buffer = new(4096);

        public RawSaver(string databasePath)
        {
            _connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
            _connection.Open();
            using (SqliteCommand pragmas = _connection.CreateCommand())
            {
                pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;";
                pragmas.ExecuteNonQuery();
                pragmas.CommandText = "SELECT workspace_id FROM workspace;";
                _origin = (string)pragmas.ExecuteScalar()!;
            }

            _toolCall = Prepare("INSERT INTO tool_calls (id, session_id, step_id, tool_name, arguments, status, result, error, started_at, completed_at, duration_ticks, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10, 1, $11, $11);", 11);
            _event = Prepare("INSERT INTO session_events (id, session_id, sequence, type, payload, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $6);", 6);
            _outbox = Prepare("""
                INSERT INTO outbox (hlc, entity_type, entity_id, session_id, operation, base_version, version, origin, payload, status, attempts, next_attempt_at, created_at, updated_at)
                VALUES ($1, $2, $3, $4, 'Upsert', 0, 1, $5, $6, 'Pending', 0, $7, $7, $7);
                """, 7);
        }

        public long Synchronous()
        {
            using SqliteCommand command = _connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous;";
            return (long)command.ExecuteScalar()!;
        }

        public void Save(SessionRef session, int i)
        {
            DateTime stamp = _ids.NextStamp();
            string ts = RawIds.Format(stamp);
            string started = RawIds.Format(stamp.AddMilliseconds(-(5 + (i % 300))));
            long durationTicks = TimeSpan.FromMilliseconds(5 + (i % 300)).Ticks;
            string toolCallId = _ids.New("tc");
            string tool = Text.Tool(i), arguments = Text.Arguments(i), output = Text.Output(i);
            string toolPayload = Json(w =>
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
                w.WriteString("startedAt", started);
                w.WriteString("completedAt", ts);
                w.WriteNumber("durationTicks", durationTicks);
            });

            DateTime eventStamp = _ids.NextStamp();
            string ets = RawIds.Format(eventStamp);
            string eventId = _ids.New("evt");
            long sequence = session.LastSequence + 1;
            string eventPayload = $$"""{"toolCallId":"{{toolCallId}}","tool":"{{tool}}","status":"Succeeded"}""";
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
                w.WriteString("payload", eventPayload);
            });

            using SqliteTransaction transaction = _connection.BeginTransaction();
            Run(_toolCall, transaction, toolCallId, session.SessionId, session.StepId, tool, arguments, "Succeeded", output, started, ts, durationTicks, ts);
            Run(_event, transaction, eventId, session.SessionId, sequence, "tool_call.completed", eventPayload, ets);
            Run(_outbox, transaction, stamp.Ticks, "ToolCall", toolCallId, session.SessionId, _origin, toolPayload, ts);
            Run(_outbox, transaction, eventStamp.Ticks, "SessionEvent", eventId, session.SessionId, _origin, eventDocument, ets);
            transaction.Commit();
            session.LastSequence = sequence;
        }

        public void Dispose()
        {
            _toolCall.Dispose();
            _event.Dispose();
            _outbox.Dispose();
            _connection.Dispose();
        }

        private SqliteCommand Prepare(string sql, int parameters)
        {
            SqliteCommand command = _connection.CreateCommand();
            command.CommandText = sql;
            for (int p = 1; p <= parameters; p++)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = "$" + p });
            }

            command.Prepare();
            return command;
        }

        private static void Run(SqliteCommand command, SqliteTransaction transaction, params object[] values)
        {
            command.Transaction = transaction;
            for (int p = 0; p < values.Length; p++)
            {
                command.Parameters[p].Value = values[p];
            }

            command.ExecuteNonQuery();
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

    /// <summary>What an EF Core user writes: a context per unit of work, Add the new rows, SaveChangesAsync (one transaction).</summary>
    private sealed class EfSaver(string databasePath)
    {
        private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
        private readonly Microsoft.EntityFrameworkCore.DbContextOptions<BenchDbContext> _options = BenchDbContext.OptionsFor(databasePath);
        private readonly RawIds _ids = new();
        private string? _origin;

        public long Synchronous()
        {
            using var context = new BenchDbContext(_options);
            System.Data.Common.DbConnection connection = Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetDbConnection(context.Database);
            connection.Open();
            using System.Data.Common.DbCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous;";
            long value = (long)command.ExecuteScalar()!;
            command.CommandText = "SELECT workspace_id FROM workspace;";
            _origin = (string)command.ExecuteScalar()!;
            return value;
        }

        public async Task SaveAsync(SessionRef session, int i)
        {
            DateTimeOffset now = _ids.NextStamp();
            TimeSpan duration = TimeSpan.FromMilliseconds(5 + (i % 300));
            var call = new ToolCallRow
            {
                Id = _ids.New("tc"), SessionId = session.SessionId, StepId = session.StepId, ToolName = Text.Tool(i), Arguments = Text.Arguments(i),
                Status = "Succeeded", Result = Text.Output(i), StartedAt = now - duration, CompletedAt = now, DurationTicks = duration.Ticks,
                Version = 1, CreatedAt = now, UpdatedAt = now,
            };
            DateTimeOffset eventStamp = _ids.NextStamp();
            var evt = new EventRow
            {
                Id = _ids.New("evt"), SessionId = session.SessionId, Sequence = session.LastSequence + 1, Type = "tool_call.completed",
                Payload = $$"""{"toolCallId":"{{call.Id}}","tool":"{{call.ToolName}}","status":"Succeeded"}""", Version = 1, CreatedAt = eventStamp, UpdatedAt = eventStamp,
            };

            await using var context = new BenchDbContext(_options);
            context.ToolCalls.Add(call);
            context.Events.Add(evt);
            context.Outbox.Add(Outbox("ToolCall", call.Id, session.SessionId, now, JsonSerializer.Serialize(call, JsonOptions)));
            context.Outbox.Add(Outbox("SessionEvent", evt.Id, session.SessionId, eventStamp, JsonSerializer.Serialize(evt, JsonOptions)));
            await context.SaveChangesAsync();
            session.LastSequence = evt.Sequence;
        }

        private OutboxRow Outbox(string type, string id, string sessionId, DateTimeOffset stamp, string payload) => new()
        {
            Hlc = stamp.UtcTicks, EntityType = type, EntityId = id, SessionId = sessionId,
            Operation = "Upsert", BaseVersion = 0, Version = 1, Origin = _origin!, Payload = payload, Status = "Pending", Attempts = 0,
            NextAttemptAt = stamp, CreatedAt = stamp, UpdatedAt = stamp,
        };
    }
}

using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// Issue 10, item 6: randomized convergence. Per seed, three workspaces with skewed clocks (−5 min, +5 min, +1 h) share
/// sessions through exports and make random edits, child additions, child updates and deletions, syncing into one
/// PostgreSQL at random moments. Their outboxes are then delivered again into fresh databases in other random
/// interleavings and batch sizes, some batches twice. Every database must hold the same rows, no live child under a
/// deleted session, every change that lost (is neither in the final state's history nor covered by a deletion of a
/// workspace that held it) in <c>sync_conflicts</c>, and nothing applied twice. A failure names its seed.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ConvergenceTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Children = ["session_tasks", "steps", "tool_calls", "artifacts", "session_events"];

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (int seed = 1; seed <= 16; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Random_edits_deletes_and_deliveries_from_skewed_clocks_converge_and_every_lost_change_is_audited(int seed)
    {
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        string pg = await fixture.CreateDatabaseAsync();
        FakeTimeProvider[] clocks = [new(T0 - TimeSpan.FromMinutes(5) + Jitter(random)), new(T0 + TimeSpan.FromMinutes(5) + Jitter(random)), new(T0 + TimeSpan.FromHours(1) + Jitter(random))];
        var workspaces = new List<SyncHarness>();
        try
        {
            foreach (FakeTimeProvider clock in clocks)
            {
                workspaces.Add(await SyncHarness.CreateAsync(fixture, clock, connectionString: pg));
            }

            var world = new World(workspaces);
            for (int step = 0; step < 30; step++)
            {
                await world.StepAsync(random, clocks);
            }

            foreach (SyncHarness w in workspaces)
            {
                await w.Sync.SyncAsync();
            }

            List<OutboxRecord>[] queues = workspaces.Select(ReadOutbox).ToArray();
            List<string> expected = await SnapshotAsync(pg);
            string context = $"seed {seed}: {queues.Sum(q => q.Count)} records";
            await AssertInvariantsAsync(pg, world, queues, context + ", live sync");
            for (int replay = 0; replay < 2; replay++)
            {
                string other = await fixture.CreateDatabaseAsync();
                await DeliverInRandomOrderAsync(other, queues, random);
                List<string> actual = await SnapshotAsync(other);
                Assert.True(expected.SequenceEqual(actual), $"{context}, replay {replay}: PostgreSQL differs\n{Diff(expected, actual)}");
                await AssertInvariantsAsync(other, world, queues, $"{context}, replay {replay}");
            }
        }
        finally
        {
            workspaces.ForEach(w => w.Dispose());
        }
    }

    private static TimeSpan Jitter(Random random) => TimeSpan.FromTicks(random.Next(1, 10_000_000));

    /// <summary>Each workspace's records in its own order, workspaces interleaved at random, random batch sizes, some batches delivered twice.</summary>
    private static async Task DeliverInRandomOrderAsync(string connectionString, List<OutboxRecord>[] queues, Random random)
    {
        await new Acode.Infrastructure.Migrations.PostgresMigrator().MigrateAsync(NpgsqlDataSource.Create(connectionString));
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        var applier = new PostgresOutboxApplier(dataSource, NullLogger.Instance);
        int[] next = new int[queues.Length];
        while (next.Select((n, i) => n < queues[i].Count).Any(x => x))
        {
            int q = Enumerable.Range(0, queues.Length).Where(i => next[i] < queues[i].Count).OrderBy(_ => random.Next()).First();
            int size = Math.Min(random.Next(1, 8), queues[q].Count - next[q]);
            List<OutboxRecord> batch = queues[q].GetRange(next[q], size);
            BatchApplyResult result = await applier.ApplyAsync(batch, CancellationToken.None);

            // A first delivery is a duplicate only as the same change another workspace delivers too (it imported it).
            HashSet<string> elsewhere = [.. queues.Where((_, i) => i != q).SelectMany(o => o).Select(r => r.IdempotencyKey)];
            Assert.All(batch.Where(r => result.Outcomes[r.Id] == ApplyOutcome.Duplicate), r => Assert.Contains(r.IdempotencyKey, elsewhere));
            if (random.Next(4) == 0)
            {
                BatchApplyResult again = await applier.ApplyAsync(batch, CancellationToken.None);
                Assert.All(again.Outcomes.Values, o => Assert.Equal(ApplyOutcome.Duplicate, o));
            }

            next[q] += size;
        }
    }

    private static async Task AssertInvariantsAsync(string connectionString, World world, List<OutboxRecord>[] queues, string context)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (string table in Children)
        {
            long live = await CountAsync(connection, $"SELECT count(*) FROM {table} c JOIN sessions s ON s.id = c.session_id WHERE s.deleted_at IS NOT NULL");
            Assert.True(live == 0, $"{context}: {live} live {table} rows under deleted sessions");
        }

        // Nothing applied twice: one sync_applied row per delivered (key, origin), each outcome recorded for its own origin.
        long delivered = queues.Sum(q => q.Select(r => (r.IdempotencyKey, r.OriginWorkspaceId)).Distinct().Count());
        Assert.Equal(delivered, await CountAsync(connection, "SELECT count(*) FROM sync_applied"));

        HashSet<string> audited = [.. await RowsAsync(connection, """
            SELECT incoming_key FROM sync_conflicts WHERE winner = 'existing'
            UNION SELECT entity_type || ':' || entity_id || ':' || existing_hlc FROM sync_conflicts WHERE winner = 'incoming'
            """)];
        var finalKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((EntityType type, string table) in new[] { (EntityType.Session, "sessions"), (EntityType.SessionTask, "session_tasks"), (EntityType.Step, "steps"), (EntityType.ToolCall, "tool_calls"), (EntityType.Artifact, "artifacts"), (EntityType.SessionEvent, "session_events") })
        {
            foreach (string row in await RowsAsync(connection, $"SELECT id || '|' || hlc FROM {table}"))
            {
                string[] parts = row.Split('|');
                finalKeys[parts[0]] = $"{type}:{parts[0]}:{UtcTimestamp.Format(new DateTimeOffset(long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero))}";
            }
        }

        // Each row's origin delivered exactly that version. Of workspaces delivering the same version (imported), the first
        // to arrive stays the origin, so origin is the one column that depends on the order of arrival (see SnapshotAsync).
        HashSet<(string, string)> deliveredBy = [.. queues.SelectMany(q => q).Select(r => (r.IdempotencyKey, r.OriginWorkspaceId))];
        foreach ((string table, EntityType type) in new[] { ("sessions", EntityType.Session), ("session_tasks", EntityType.SessionTask), ("steps", EntityType.Step), ("tool_calls", EntityType.ToolCall), ("artifacts", EntityType.Artifact), ("session_events", EntityType.SessionEvent) })
        {
            foreach (string row in await RowsAsync(connection, $"SELECT id || '|' || hlc || '|' || origin FROM {table}"))
            {
                string[] parts = row.Split('|');
                string key = $"{type}:{parts[0]}:{UtcTimestamp.Format(new DateTimeOffset(long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero))}";
                Assert.True(deliveredBy.Contains((key, parts[2])), $"{context}: {table} row {parts[0]} has origin {parts[2]}, which did not deliver {key}");
            }
        }

        foreach (string lost in world.LostChanges(finalKeys))
        {
            Assert.True(audited.Contains(lost) || audited.Contains(World.HlcForm(lost)), $"{context}: the lost change {lost} is not in sync_conflicts\naudited: {string.Join("\n", audited.Order())}\n{world.Describe(lost)}");
        }
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> RowsAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return rows;
    }

    private static async Task<List<string>> SnapshotAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Without origin: the same version delivered by two workspaces keeps the first one's (AssertInvariantsAsync checks it).
        var all = new List<string>(await RowsAsync(connection, "SELECT 'sessions|' || id || '|' || version || '|' || hlc || '|' || (deleted_at IS NOT NULL) || '|' || document::text FROM sessions ORDER BY id"));
        foreach (string table in Children)
        {
            all.AddRange(await RowsAsync(connection, $"SELECT '{table}|' || id || '|' || version || '|' || hlc || '|' || document::text FROM {table} ORDER BY id"));
        }

        return all;
    }

    private static string Diff(List<string> expected, List<string> actual)
        => "only before: " + string.Join("\n  ", expected.Except(actual)) + "\nonly after: " + string.Join("\n  ", actual.Except(expected));

    private static List<OutboxRecord> ReadOutbox(SyncHarness h)
    {
        using SqliteConnection connection = Support.SqliteProbe.Open(h.DatabasePath);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT o.id, o.hlc, o.entity_type, o.entity_id, o.session_id, o.operation, o.base_version, o.version, o.origin, {SqliteOutbox.PayloadSql},
                   o.status, o.attempts, o.next_attempt_at, o.last_error, NULL, NULL, o.created_at, o.updated_at, o.processed_at, o.base_hlc, o.pruned_before, o.pruned_states
            FROM outbox o ORDER BY o.id;
            """;
        using SqliteDataReader reader = command.ExecuteReader();
        var records = new List<OutboxRecord>();
        while (reader.Read())
        {
            records.Add(SqliteOutbox.ReadRecord(reader));
        }

        return records;
    }

    /// <summary>The workspaces, the operations the test made, and the history (which change each authored change was based on).</summary>
    private sealed class World(List<SyncHarness> workspaces)
    {
        private readonly Dictionary<string, string?> _parent = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _entityOf = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _authors = new(StringComparer.Ordinal);
        private readonly HashSet<string> _tied = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<HashSet<string>>> _heldByDeleters = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _sessionOf = new(StringComparer.Ordinal);
        private readonly HashSet<(int Workspace, string Session)> _deleted = [];
        private readonly List<string> _sessions = [];
        private readonly long[] _seen = new long[workspaces.Count];

        public async Task StepAsync(Random random, FakeTimeProvider[] clocks)
        {
            foreach (FakeTimeProvider clock in clocks)
            {
                clock.Advance(TimeSpan.FromTicks(random.Next(1, 30_000_000)));
            }

            int w = random.Next(workspaces.Count);
            SyncHarness h = workspaces[w];
            List<string> mine = _sessions.Where(s => !_deleted.Contains((w, s)) && Has(h, s)).ToList();
            int op = random.Next(100);
            if (op < 12 || _sessions.Count == 0)
            {
                Session created = Session.Create($"s{_sessions.Count} by {w}", null, h.Clock.TimeProvider);
                created.AddTask("task").AddStep("step");
                await h.Store.SaveAsync(created);
                _sessions.Add(created.Id.Value);
                Authored(w);
            }
            else if (op < 32)
            {
                // Share: another workspace exports one of its sessions, this one imports it (new, or newer versions of what it has).
                int from = random.Next(workspaces.Count);
                List<string> theirs = _sessions.Where(s => !_deleted.Contains((from, s)) && Has(workspaces[from], s) && !_deleted.Contains((w, s))).ToList();
                if (from != w && theirs.Count > 0)
                {
                    Session source = (await workspaces[from].Store.GetSessionAsync(SessionId.Parse(theirs[random.Next(theirs.Count)])))!;
                    using var export = new StringWriter();
                    await SessionArchive.WriteAsync(export, workspaces[from].Store, source);
                    await foreach (SessionGraphBuilder graph in SessionArchive.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(export.ToString()))))
                    {
                        await h.Store.ImportAsync(graph.Session!, graph.Events);
                    }
                }

                Imported(w);
            }
            else if (op < 55 && mine.Count > 0)
            {
                Session s = (await h.Store.GetSessionAsync(SessionId.Parse(mine[random.Next(mine.Count)])))!;
                s.Rename($"renamed by {w} at {random.Next(1000)}");
                await h.Store.SaveAsync(s);
                Authored(w);
            }
            else if (op < 70 && mine.Count > 0)
            {
                Session s = (await h.Store.GetSessionAsync(SessionId.Parse(mine[random.Next(mine.Count)])))!;
                s.Tasks[0].Steps[0].AddToolCall("tool", $$"""{"by":{{w}}}""");
                await h.Store.SaveAsync(s);
                Authored(w);
            }
            else if (op < 80 && mine.Count > 0)
            {
                Session s = (await h.Store.GetSessionAsync(SessionId.Parse(mine[random.Next(mine.Count)])))!;
                List<ToolCall> pending = s.Tasks[0].Steps[0].ToolCalls.Where(c => c.Status == ToolCallStatus.Pending).ToList();
                if (pending.Count > 0)
                {
                    pending[random.Next(pending.Count)].Start();
                    await h.Store.SaveAsync(s);
                }

                Authored(w);
            }
            else if (op < 86 && mine.Count > 0)
            {
                string id = mine[random.Next(mine.Count)];
                var held = ReadOutbox(h).Where(r => r.SessionId == id).Select(r => r.IdempotencyKey).ToHashSet(StringComparer.Ordinal);
                await h.Store.DeleteSessionAsync(SessionId.Parse(id));
                _deleted.Add((w, id));
                if (!_heldByDeleters.TryGetValue(id, out List<HashSet<string>>? list))
                {
                    _heldByDeleters[id] = list = [];
                }

                list.Add(held);
                Authored(w);
            }
            else
            {
                await h.Sync.SyncAsync();
            }
        }

        /// <summary>The newest change of each line of authored changes that is neither in the history of a final row nor covered by a deletion whose workspace held it.</summary>
        public IEnumerable<string> LostChanges(Dictionary<string, string> finalKeys)
        {
            var surviving = new HashSet<string>(StringComparer.Ordinal);
            foreach (string key in finalKeys.Values)
            {
                for (string? k = key; k is not null && surviving.Add(k); k = _parent.GetValueOrDefault(k))
                {
                }
            }

            foreach (HashSet<string> held in _heldByDeleters.Values.SelectMany(l => l))
            {
                foreach (string key in held)
                {
                    for (string? k = key; k is not null && surviving.Add(k); k = _parent.GetValueOrDefault(k))
                    {
                    }
                }
            }

            // A lost change that a later change of its own line built on lost with that later change: the audit row of
            // the newest one holds what the whole line led to. So each lost line's newest change must be audited.
            // Two different changes of one entity stamped with the same 100 ns tick share a key; the audit cannot tell them apart.
            var builtOn = new HashSet<string>(_parent.Values.OfType<string>(), StringComparer.Ordinal);
            return _parent.Keys.Where(k => !surviving.Contains(k) && !builtOn.Contains(k) && !_tied.Contains(_entityOf[k]));
        }

        public static string HlcForm(string key)
        {
            int second = key.IndexOf(':', key.IndexOf(':', StringComparison.Ordinal) + 1);
            return key[..second] + ":" + UtcTimestamp.Parse(key[(second + 1)..]).UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public string Describe(string key)
        {
            var chain = new List<string>();
            for (string? k = key; k is not null && chain.Count < 20; k = _parent.GetValueOrDefault(k))
            {
                chain.Add(k);
            }

            return $"its history: {string.Join(" <- ", chain)}; session {_sessionOf.GetValueOrDefault(key)}";
        }

        private static bool Has(SyncHarness h, string sessionId)
            => Support.SqliteProbe.Count(h.DatabasePath, "SELECT count(*) FROM sessions WHERE id = $id;", ("$id", sessionId)) == 1;

        private void Authored(int w) => Record(w, authored: true);

        private void Imported(int w) => Record(w, authored: false);

        /// <summary>Reads the records the last operation appended; an authored one's parent is the workspace's previous record of that entity at its base version.</summary>
        private void Record(int w, bool authored)
        {
            List<OutboxRecord> all = ReadOutbox(workspaces[w]);
            foreach (OutboxRecord r in all.Where(r => r.Id > _seen[w]))
            {
                if (!authored)
                {
                    continue;
                }

                string? parent = all.LastOrDefault(p => p.Id < r.Id && p.EntityId == r.EntityId && p.Version == r.BaseVersion)?.IdempotencyKey;
                if (_parent.ContainsKey(r.IdempotencyKey))
                {
                    _tied.Add(r.EntityId);
                }

                _parent[r.IdempotencyKey] = parent;
                _entityOf[r.IdempotencyKey] = r.EntityId;
                _sessionOf[r.IdempotencyKey] = r.SessionId;
                _authors[r.IdempotencyKey] = w;
            }

            _seen[w] = all.Count == 0 ? _seen[w] : Math.Max(_seen[w], all[^1].Id);
        }
    }
}

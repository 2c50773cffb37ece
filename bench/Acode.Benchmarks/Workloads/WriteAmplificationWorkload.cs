using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Acode.Application.Sync;
using Acode.Benchmarks.Harness;
using Acode.Infrastructure;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Issue 15 part 4 (<c>--only writeamp</c>): what one save of one tool call with a 2 KB result (the agent loop's step of
/// <see cref="PeersWorkload"/>) costs beyond its payload. (1) WAL bytes and pages per save, and which b-trees those pages
/// belong to: a read transaction held open during the measured saves keeps SQLite from starting the WAL over, so the
/// <c>-wal</c> file keeps every frame the saves append (counted from the frame headers); each frame's page number is read from its header and
/// traced to its b-tree through the database's pointer map (every acode database is <c>auto_vacuum=INCREMENTAL</c>,
/// so every page has an entry naming its parent: no <c>dbstat</c>, which the bundled SQLite is built without).
/// (2) Save p50 and p99 over <see cref="BenchSettings.Saves"/> saves with nothing held: where WAL checkpoints land.
/// (3) The local file after those saves are synced into PostgreSQL, per byte of payload (before the outbox retention
/// prunes anything).
/// </summary>
public static class WriteAmplificationWorkload
{
    public const string Name = "writeamp";

    /// <summary>Saves whose WAL frames are counted (the WAL stays below its 16 MiB bound meanwhile, so no reset attempt lands in it).</summary>
    private const int WalSaves = 100;

    public static async Task RunAsync(BenchSettings settings, string workDir, Report report)
    {
        await WalAsync(new Workspace(Path.Combine(workDir, "writeamp-wal")), report);
        await TailAndStorageAsync(settings, new Workspace(Path.Combine(workDir, "writeamp-tail")), report);
    }

    private static async Task WalAsync(Workspace workspace, Report report)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace);
        var store = new SqliteRunStateStore(database);
        SaveWorkload.SeededSession s = SaveWorkload.NewSession("Write amplification");
        await store.SaveAsync(s.Session);
        for (int i = 0; i < 50; i++)
        {
            await SaveStepAsync(store, s, i);
        }

        string wal = workspace.DatabasePath + "-wal";
        using (var pin = new SqliteConnection($"Data Source={workspace.DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            pin.Open();
            using SqliteTransaction snapshot = pin.BeginTransaction(deferred: true);
            using (SqliteCommand read = pin.CreateCommand())
            {
                read.Transaction = snapshot;
                read.CommandText = "SELECT count(*) FROM sessions;";
                read.ExecuteScalar();
            }

            WalFrames first = WalFrames.Read(wal);
            for (int i = 50; i < 50 + WalSaves; i++)
            {
                await SaveStepAsync(store, s, i);
            }

            WalFrames last = WalFrames.Read(wal);
            snapshot.Commit();
            pin.Close();

            // A reader whose snapshot needs no WAL frame (all of them were copied when it began) lets the next commit start
            // the WAL over; that can only happen at the window's first save, and then every frame of the new WAL is the window's.
            int from = last.Salt == first.Salt ? first.Count : 0;
            if (last.Commits(from) != WalSaves)
            {
                throw new InvalidOperationException($"the WAL holds {last.Commits(from)} commits of the {WalSaves} measured saves: it was started over during the window");
            }

            // Settle everything into the main file so its pointer map and schema are current.
            Checkpoint(workspace.DatabasePath);
            PageMap map = PageMap.Read(workspace.DatabasePath);
            int pageSize = map.PageSize;
            int frameCount = last.Count - from;
            var byTree = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (uint page in last.Pages(from))
            {
                string tree = map.TreeOf(page);
                byTree[tree] = byTree.GetValueOrDefault(tree) + 1;
            }

            long walBytes = frameCount * (24L + pageSize);
            double walKb = walBytes / 1024.0 / WalSaves;
            double pages = frameCount / (double)WalSaves;
            report.Set("save_wal_kb_per_save", Report.Acode, walKb);
            report.Set("save_pages_per_save", Report.Acode, pages);
            string where = string.Join(", ", byTree.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal)
                .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Value / (double)WalSaves:0.##}")));
            Console.WriteLine($"[writeamp] WAL per save of one tool call with a {PeersWorkload.ResultBytes} B result: {walKb:F1} KiB, {pages:F2} pages of {pageSize} B ({WalSaves} saves)");
            Console.WriteLine($"[writeamp] pages per save by b-tree: {where}");
            report.AddExtra("write amplification: pages per save by b-tree (WAL frames of one tool-call save)", where);
        }
    }

    private static async Task TailAndStorageAsync(BenchSettings settings, Workspace workspace, Report report)
    {
        int saves = settings.Saves;
        long payloadBytes = 0;
        var samples = new Samples();
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace))
        {
            var store = new SqliteRunStateStore(database);
            SaveWorkload.SeededSession s = SaveWorkload.NewSession("Save tail");
            await store.SaveAsync(s.Session);
            for (int i = 0; i < 100; i++)
            {
                payloadBytes += await SaveStepAsync(store, s, i);
            }

            for (int i = 100; i < 100 + saves; i++)
            {
                long t = Stopwatch.GetTimestamp();
                payloadBytes += await SaveStepAsync(store, s, i, samples, t);
            }
        }

        report.Set("save_tail_p50_us", Report.Acode, samples.P50);
        report.Set("save_tail_p99_us", Report.Acode, samples.P99);
        Console.WriteLine($"[writeamp] {saves:N0} saves, one tool call each: {samples} (p99/p50 {samples.P99 / samples.P50:F2})");

        await using PostgresServer server = await PostgresServer.StartNewAsync();
        string target = await server.CreateDatabaseAsync();
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace))
        {
            using var sync = new OutboxSyncService(database, PostgresConnectionSettings.Parse(target, "bench"), new SyncOptions());
            await sync.EnsureSchemaAsync(CancellationToken.None);
            SyncRunResult result = await sync.SyncAsync();
            if (result.Remaining != 0 || result.Paused)
            {
                throw new InvalidOperationException($"the sync left {result.Remaining} records pending (paused: {result.PauseReason})");
            }

            Checkpoint(workspace.DatabasePath);
        }

        long fileBytes = new FileInfo(workspace.DatabasePath).Length + FileBytes(workspace.DatabasePath + "-wal");
        (long pageCount, long freePages, long pageSize) = PageCounts(workspace.DatabasePath);
        long usedBytes = (pageCount - freePages) * pageSize;
        report.Set("local_bytes_per_payload_byte", Report.Acode, fileBytes / (double)payloadBytes);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{fileBytes / 1048576.0:F1} MiB file ({usedBytes / 1048576.0:F1} MiB in use, {freePages} free pages) for {payloadBytes / 1048576.0:F1} MiB of payload (tool arguments, results and event payloads of {saves + 100:N0} saves): {fileBytes / (double)payloadBytes:F2} file bytes, {usedBytes / (double)payloadBytes:F2} in-use bytes per payload byte");
        Console.WriteLine($"[writeamp] after the sync: {line}");
        report.AddExtra("write amplification: local file after a sync", line);
        report.AddExtra("write amplification: local bytes per payload byte after a sync, by b-tree", string.Join(", ", BytesByTree(workspace.DatabasePath, payloadBytes)));
    }

    /// <summary>One agent step: a tool call with ~200 B of arguments and a 2 KB result, its completion event, a save.</summary>
    /// <returns>The payload bytes the step stored (UTF-8 of arguments, result and event payload).</returns>
    private static async Task<long> SaveStepAsync(Acode.Application.IRunStateStore store, SaveWorkload.SeededSession s, int i, Samples? samples = null, long started = 0)
    {
        string arguments = PeersWorkload.ToolArguments(i), result = Text.Sentence(i, PeersWorkload.ResultBytes);
        ToolCall call = s.Step.AddToolCall("read_file", arguments);
        call.Succeed(result, TimeSpan.FromMilliseconds(5 + (i % 300)));
        string payload = $$"""{"toolCallId":"{{call.Id.Value}}","tool":"read_file","status":"Succeeded"}""";
        s.Session.AppendEvent("tool_call.completed", payload);
        if (samples is not null)
        {
            started = Stopwatch.GetTimestamp();
        }

        await store.SaveAsync(s.Session);
        samples?.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        return Encoding.UTF8.GetByteCount(arguments) + Encoding.UTF8.GetByteCount(result) + Encoding.UTF8.GetByteCount(payload);
    }

    /// <summary>Copies the whole WAL into the database file and empties it (the bench's own connection; nothing else holds it).</summary>
    private static void Checkpoint(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA wal_checkpoint(TRUNCATE);";
        command.ExecuteNonQuery();
    }

    private static (long PageCount, long FreePages, long PageSize) PageCounts(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT page_count FROM pragma_page_count()), (SELECT freelist_count FROM pragma_freelist_count()), (SELECT page_size FROM pragma_page_size());";
        using SqliteDataReader reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>Pages of each b-tree (tables and indexes) of the settled file, per payload byte, largest first.</summary>
    private static IEnumerable<string> BytesByTree(string path, long payloadBytes)
    {
        PageMap map = PageMap.Read(path);
        var pages = new Dictionary<string, long>(StringComparer.Ordinal);
        for (uint p = 1; p <= map.PageCount; p++)
        {
            string tree = map.TreeOf(p);
            pages[tree] = pages.GetValueOrDefault(tree) + 1;
        }

        return pages.OrderByDescending(t => t.Value).Where(t => t.Value * map.PageSize >= payloadBytes / 100)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Value * map.PageSize / (double)payloadBytes:F2}"));
    }

    /// <summary>
    /// The frames of the WAL's current generation (https://www.sqlite.org/fileformat2.html#walformat): those after the
    /// 32-byte header whose salts match the header's, up to the first that does not (a WAL started over keeps its old
    /// frames past the new ones until they are overwritten).
    /// </summary>
    private sealed class WalFrames
    {
        private readonly byte[] _wal;
        private readonly int _frameBytes;

        private WalFrames(byte[] wal, int pageSize, ulong salt, int count)
        {
            _wal = wal;
            _frameBytes = 24 + pageSize;
            Salt = salt;
            Count = count;
        }

        public ulong Salt { get; }

        public int Count { get; }

        public static WalFrames Read(string path)
        {
            byte[] wal;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                wal = new byte[stream.Length];
                stream.ReadExactly(wal);
            }

            if (wal.Length < 32)
            {
                return new WalFrames(wal, 4096, 0, 0);
            }

            int pageSize = (int)BinaryPrimitives.ReadUInt32BigEndian(wal.AsSpan(8, 4));
            ulong salt = BinaryPrimitives.ReadUInt64BigEndian(wal.AsSpan(16, 8));
            int count = 0;
            for (long offset = 32; offset + 24 + pageSize <= wal.Length; offset += 24 + pageSize)
            {
                if (BinaryPrimitives.ReadUInt64BigEndian(wal.AsSpan((int)offset + 8, 8)) != salt)
                {
                    break;
                }

                count++;
            }

            return new WalFrames(wal, pageSize, salt, count);
        }

        /// <summary>Commits among the frames from <paramref name="from"/> on (a commit's last frame records the database size).</summary>
        public int Commits(int from) => Enumerable.Range(from, Count - from).Count(f => BinaryPrimitives.ReadUInt32BigEndian(Header(f)[4..]) != 0);

        public IEnumerable<uint> Pages(int from) => Enumerable.Range(from, Count - from).Select(f => BinaryPrimitives.ReadUInt32BigEndian(Header(f)));

        private ReadOnlySpan<byte> Header(int frame) => _wal.AsSpan(32 + frame * _frameBytes, 24);
    }

    private static long FileBytes(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>
    /// Which b-tree each page of a settled (checkpointed) auto-vacuum database belongs to, from its pointer-map pages
    /// (https://www.sqlite.org/fileformat2.html#pointer_map_or_ptrmap_pages): each entry is a type (1 root page, 2 free
    /// page, 3 first overflow page, 4 later overflow page, 5 other b-tree page) and the parent page; following parents
    /// reaches a root page, named in <c>sqlite_schema</c>.
    /// </summary>
    private sealed class PageMap
    {
        private readonly byte[] _file;
        private readonly Dictionary<uint, string> _roots;
        private readonly int _entriesPerMap;

        private PageMap(byte[] file, int pageSize, Dictionary<uint, string> roots)
        {
            _file = file;
            PageSize = pageSize;
            _roots = roots;
            _entriesPerMap = pageSize / 5;
        }

        public int PageSize { get; }

        public uint PageCount => (uint)(_file.Length / PageSize);

        public static PageMap Read(string path)
        {
            var roots = new Dictionary<uint, string>();
            using (var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False"))
            {
                connection.Open();
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = "PRAGMA auto_vacuum;";
                if ((long)command.ExecuteScalar()! == 0)
                {
                    throw new InvalidOperationException($"{path} has no pointer map (auto_vacuum=NONE); acode creates every database with auto_vacuum=INCREMENTAL.");
                }

                command.CommandText = "SELECT name, rootpage FROM sqlite_schema WHERE rootpage > 0;";
                using SqliteDataReader reader = command.ExecuteReader();
                while (reader.Read())
                {
                    roots[(uint)reader.GetInt64(1)] = reader.GetString(0);
                }
            }

            byte[] file;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                file = new byte[stream.Length];
                stream.ReadExactly(file);
            }

            int pageSize = BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(16, 2));
            return new PageMap(file, pageSize == 1 ? 65536 : pageSize, roots);
        }

        public string TreeOf(uint page)
        {
            for (int hops = 0; hops < 64; hops++)
            {
                if (page == 1)
                {
                    return "page 1 (header, sqlite_schema)";
                }

                if (IsPointerMap(page))
                {
                    return "pointer map (auto_vacuum)";
                }

                if (page > PageCount)
                {
                    return "pages past the settled end";
                }

                uint map = MapPageOf(page);
                int offset = checked((int)((map - 1) * (long)PageSize + 5 * (page - map - 1)));
                byte type = _file[offset];
                uint parent = BinaryPrimitives.ReadUInt32BigEndian(_file.AsSpan(offset + 1, 4));
                switch (type)
                {
                    case 1:
                        return _roots.TryGetValue(page, out string? name) ? name : $"root page {page}";
                    case 2:
                        return "free pages";
                    case 3 or 4 or 5:
                        page = parent;
                        break;
                    default:
                        return "unmapped";
                }
            }

            return "unmapped";
        }

        private bool IsPointerMap(uint page) => page >= 2 && (page - 2) % (_entriesPerMap + 1) == 0;

        private uint MapPageOf(uint page) => 2 + (uint)((page - 3) / (_entriesPerMap + 1) * (_entriesPerMap + 1));
    }
}

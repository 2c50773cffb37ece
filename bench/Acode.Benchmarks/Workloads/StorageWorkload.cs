using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Acode.Application.Options;
using Acode.Application.Sync;
using Acode.Benchmarks.Harness;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Testing;
using Npgsql;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Issue 13 part 3: database bytes per byte of content stored, for typical agent output (<see cref="AgentOutputCorpus"/>:
/// source files read and read again, test logs, diffs, command output). The same sessions are saved into a workspace with
/// large content in blobs (the default) and into one with it inline (threshold above every value: what 1.4.0 stored), and
/// each is synced into its own PostgreSQL database. Local size: the database file after a WAL checkpoint (and before,
/// database + WAL). PostgreSQL size: <c>pg_total_relation_size</c> of every table of the database (indexes, TOAST and the
/// mirror's document copies included). Also measures the codec candidates on the same content (docs/storage.md).
/// </summary>
public static class StorageWorkload
{
    public const string Name = "storage";

    private const int Seed = 1313;
    private const int ToolCallsPerSession = 30;

    public static async Task RunAsync(BenchSettings settings, string workDir, Report report)
    {
        int sessions = settings.Quick ? 20 : 100;
        Console.WriteLine($"[storage] {sessions} sessions of {ToolCallsPerSession} tool calls of agent output");
        await using PostgresServer server = await PostgresServer.StartNewAsync();
        Figures blobs = await MeasureAsync(server, Path.Combine(workDir, "storage-blobs"), sessions, StoreOptions.DefaultBlobThresholdBytes);
        Figures inline = await MeasureAsync(server, Path.Combine(workDir, "storage-inline"), sessions, int.MaxValue);
        double mb = blobs.ContentBytes / 1e6;

        report.Set("storage_local_bytes_per_content_byte", Report.Acode, blobs.LocalBytes / (double)blobs.ContentBytes);
        report.Set("storage_pg_bytes_per_content_byte", Report.Acode, blobs.PostgresBytes / (double)blobs.ContentBytes);
        report.AddExtra("storage: content stored (arguments, results, artifacts; repeats counted)", $"{mb:F1} MB in {sessions * ToolCallsPerSession:N0} tool calls");
        report.AddExtra("storage: local bytes / content byte, blobs (checkpointed; before checkpoint: db + WAL)", $"{Ratio(blobs.LocalBytes, blobs)} ({Ratio(blobs.LocalBeforeCheckpointBytes, blobs)})");
        report.AddExtra("storage: local bytes / content byte, inline as 1.4.0 stored it (checkpointed)", Ratio(inline.LocalBytes, inline));
        report.AddExtra("storage: PostgreSQL bytes / content byte, blobs / inline", $"{Ratio(blobs.PostgresBytes, blobs)} / {Ratio(inline.PostgresBytes, inline)}");
        report.AddExtra("storage: save time of all sessions, blobs / inline", $"{blobs.SaveSeconds:F2} s / {inline.SaveSeconds:F2} s");
        foreach (string line in CompareCodecs(sessions))
        {
            report.AddExtra("storage: codec on this content (compressed/raw, compress MB/s, decompress MB/s)", line);
        }
    }

    private static string Ratio(long bytes, Figures figures) => (bytes / (double)figures.ContentBytes).ToString("F3", CultureInfo.InvariantCulture);

    private static async Task<Figures> MeasureAsync(PostgresServer server, string root, int sessions, int threshold)
    {
        var workspace = new Workspace(root);
        long content = 0;
        long before;
        double seconds;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace))
        {
            var store = new SqliteRunStateStore(database, blobThresholdBytes: threshold);
            var corpus = new AgentOutputCorpus(Seed, distinctFiles: 12 * sessions / 10);
            long started = Stopwatch.GetTimestamp();
            for (int s = 0; s < sessions; s++)
            {
                Session session = Session.Create($"storage session {s}", "fix the failing tests");
                Step step = session.AddTask("work").AddStep("edit and test");
                for (int c = 0; c < ToolCallsPerSession; c++)
                {
                    (string tool, string arguments, string result) = corpus.Next((s * ToolCallsPerSession) + c);
                    ToolCall call = step.AddToolCall(tool, arguments);
                    call.Succeed(result);
                    content += Encoding.UTF8.GetByteCount(arguments) + Encoding.UTF8.GetByteCount(result);
                    if (tool == "apply_patch")
                    {
                        byte[] diff = Encoding.UTF8.GetBytes(System.Text.Json.JsonDocument.Parse(arguments).RootElement.GetProperty("patch").GetString()!);
                        session.AddArtifact($"patch-{c}.diff", ArtifactKind.Diff, "text/x-diff", diff, step.Id, call.Id);
                        content += diff.Length;
                    }
                }

                await store.SaveAsync(session);
            }

            seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            before = FileSize(workspace.DatabasePath) + FileSize(workspace.DatabasePath + "-wal");
        }

        // Closing the last connection checkpointed the WAL into the file and removed it.
        long local = FileSize(workspace.DatabasePath) + FileSize(workspace.DatabasePath + "-wal");
        string target = await server.CreateDatabaseAsync();
        await using (NpgsqlDataSource source = NpgsqlDataSource.Create(target))
        {
            await new PostgresMigrator().MigrateAsync(source);
        }

        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace))
        {
            using var sync = new OutboxSyncService(database, PostgresConnectionSettings.Parse(target, "bench"), new SyncOptions());
            SyncRunResult result = await sync.SyncAsync();
            if (result.Remaining != 0 || result.Paused)
            {
                throw new InvalidOperationException($"the storage sync left {result.Remaining} records, paused: {result.PauseReason}");
            }
        }

        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync();
        await using var size = new NpgsqlCommand("""
            SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r';
            """, connection);
        long postgres = (long)(await size.ExecuteScalarAsync())!;
        Console.WriteLine($"[storage] threshold {(threshold == int.MaxValue ? "off" : threshold.ToString(CultureInfo.InvariantCulture))}: content {content:N0} B, local {local:N0} B, PostgreSQL {postgres:N0} B");
        return new Figures(content, local, before, postgres, seconds);
    }

    /// <summary>Each candidate codec over the corpus's values (each compressed alone, as blobs are): size ratio and speed.</summary>
    private static IEnumerable<string> CompareCodecs(int sessions)
    {
        var corpus = new AgentOutputCorpus(Seed, distinctFiles: 12 * sessions / 10);
        List<byte[]> values = Enumerable.Range(0, sessions * ToolCallsPerSession).Select(i => corpus.Next(i)).Select(v => Encoding.UTF8.GetBytes(v.Result + v.Arguments)).Where(v => v.Length > 4096).Distinct(new BytesComparer()).ToList();
        long raw = values.Sum(v => (long)v.Length);
        (string Name, Func<byte[], byte[]> Compress, Func<byte[], int, byte[]> Decompress)[] codecs =
        [
            ("Brotli q5 w22 (chosen)", v => Brotli(v, 5), BrotliDecode),
            ("Brotli q1", v => Brotli(v, 1), BrotliDecode),
            ("Brotli q9", v => Brotli(v, 9), BrotliDecode),
            ("ZLib fastest", v => ZLib(v, CompressionLevel.Fastest), ZLibDecode),
            ("ZLib optimal", v => ZLib(v, CompressionLevel.Optimal), ZLibDecode),
        ];
        foreach ((string name, Func<byte[], byte[]> compress, Func<byte[], int, byte[]> decompress) in codecs)
        {
            long t = Stopwatch.GetTimestamp();
            List<byte[]> packed = values.Select(compress).ToList();
            double compressSeconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
            t = Stopwatch.GetTimestamp();
            for (int i = 0; i < packed.Count; i++)
            {
                _ = decompress(packed[i], values[i].Length);
            }

            double decompressSeconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
            yield return string.Create(CultureInfo.InvariantCulture, $"{name}: {packed.Sum(p => (long)p.Length) / (double)raw:F3}, {raw / 1e6 / compressSeconds:F0}, {raw / 1e6 / decompressSeconds:F0}");
        }
    }

    private static byte[] Brotli(byte[] raw, int quality)
    {
        byte[] buffer = new byte[BrotliEncoder.GetMaxCompressedLength(raw.Length)];
        return BrotliEncoder.TryCompress(raw, buffer, out int written, quality, 22) ? buffer[..written] : throw new InvalidOperationException("Brotli failed");
    }

    private static byte[] BrotliDecode(byte[] packed, int length)
    {
        byte[] raw = new byte[length];
        return BrotliDecoder.TryDecompress(packed, raw, out _) ? raw : throw new InvalidOperationException("Brotli failed");
    }

    private static byte[] ZLib(byte[] raw, CompressionLevel level)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, level))
        {
            zlib.Write(raw);
        }

        return output.ToArray();
    }

    private static byte[] ZLibDecode(byte[] packed, int length)
    {
        byte[] raw = new byte[length];
        using var zlib = new ZLibStream(new MemoryStream(packed), CompressionMode.Decompress);
        zlib.ReadExactly(raw);
        return raw;
    }

    private static long FileSize(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private sealed record Figures(long ContentBytes, long LocalBytes, long LocalBeforeCheckpointBytes, long PostgresBytes, double SaveSeconds);

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length ^ (obj.Length > 64 ? BitConverter.ToInt32(obj, 32) : 0);
    }
}

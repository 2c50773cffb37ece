using System.Globalization;
using Acode.Testing;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// The errors PostgreSQL logged between <see cref="Mark"/> and <see cref="Log.Read"/> (its server log, every <c>ERROR:</c>
/// line), by kind: deadlocks (40P01), serialization failures (40001), statement or lock timeouts (57014, 55P03). What the
/// clients saw and retried is counted by them; this is the server's side of the same story.
/// </summary>
public sealed record ServerErrors(long Errors, long Deadlocks, long SerializationFailures, long Timeouts, bool Known)
{
    public static Log Mark(PostgresServer server) => new(server.LogFile, server.LogFile is { } file && File.Exists(file) ? new FileInfo(file).Length : 0);

    public override string ToString() => Known
        ? string.Create(CultureInfo.InvariantCulture, $"{Errors} errors ({Deadlocks} deadlocks, {SerializationFailures} serialization failures, {Timeouts} timeouts)")
        : "errors unknown (external server, no log)";

    /// <summary>A position in the server's log.</summary>
    public sealed class Log(string? file, long offset)
    {
        public ServerErrors Read()
        {
            if (file is null || !File.Exists(file))
            {
                return new ServerErrors(0, 0, 0, 0, Known: false);
            }

            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            long errors = 0, deadlocks = 0, serialization = 0, timeouts = 0;
            while (reader.ReadLine() is { } line)
            {
                if (!line.Contains("ERROR:", StringComparison.Ordinal))
                {
                    continue;
                }

                errors++;
                deadlocks += line.Contains("deadlock detected", StringComparison.Ordinal) ? 1 : 0;
                serialization += line.Contains("could not serialize access", StringComparison.Ordinal) ? 1 : 0;
                timeouts += line.Contains("timeout", StringComparison.Ordinal) ? 1 : 0;
            }

            return new ServerErrors(errors, deadlocks, serialization, timeouts, Known: true);
        }
    }
}

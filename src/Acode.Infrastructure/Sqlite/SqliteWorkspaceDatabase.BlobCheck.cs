using System.Globalization;
using Acode.Infrastructure.Blobs;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteWorkspaceDatabase
{
    /// <summary>How many damaged or missing blobs a check names (their sessions too); the counts are always whole.</summary>
    private const int NamedBlobProblems = 5;

    /// <summary>The blob hashes rows name (schema 1.5.0): a tool call's arguments and result, an artifact's content.</summary>
    private const string NamedBlobsSql = """
        SELECT arguments_blob AS hash, session_id FROM tool_calls WHERE arguments_blob IS NOT NULL
        UNION ALL SELECT result_blob, session_id FROM tool_calls WHERE result_blob IS NOT NULL
        UNION ALL SELECT content_blob, session_id FROM artifacts WHERE content_blob IS NOT NULL
        """;

    /// <summary>
    /// The blobs (schema 1.5.0) against their hashes and the rows that name them, read-only: each blob is decoded and its
    /// SHA-256 compared with its hash (<see cref="BlobCodec"/>), and every hash a row names must have its blob. A damaged or
    /// missing blob makes the rows naming it unreadable (their reads fail with ACODE-DB-002, <see cref="Acode.Application.Errors.AcodeErrors.DamagedBlob"/>); one
    /// line per kind of problem names up to <see cref="NamedBlobProblems"/> blobs and the sessions whose rows name them.
    /// Reads every blob: the cost grows with the large content the workspace holds, like <c>PRAGMA integrity_check</c>.
    /// </summary>
    private static IEnumerable<string> CheckBlobs(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        using (SqliteCommand exists = connection.CreateCommand())
        {
            exists.Transaction = transaction;
            exists.CommandText = "SELECT count(*) FROM sqlite_schema WHERE name = 'blobs';";
            if (Convert.ToInt64(exists.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            {
                yield break;
            }
        }

        var damaged = new List<string>();
        long damagedCount = 0;
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT hash, codec, raw_length, content FROM blobs;";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Values of the wrong type (a damaged record) count as a damaged blob, never as a failed check.
                object hash = reader.GetValue(0);
                if (hash is not string text || reader.GetValue(1) is not string codec || reader.GetValue(2) is not long rawLength
                    || reader.GetValue(3) is not byte[] content || !Decodes(text, codec, rawLength, content))
                {
                    damagedCount++;
                    if (damaged.Count < NamedBlobProblems)
                    {
                        damaged.Add(Convert.ToString(hash, CultureInfo.InvariantCulture) ?? "?");
                    }
                }
            }
        }

        if (damagedCount > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{damagedCount:N0} blob(s) of large content do not decode to their hash ({Describe(connection, transaction, damaged)}); {Advice}");
        }

        var missing = new List<string>();
        long missingCount = 0;
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT DISTINCT n.hash FROM ({NamedBlobsSql}) n WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.hash = n.hash) ORDER BY n.hash;";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                missingCount++;
                if (missing.Count < NamedBlobProblems)
                {
                    missing.Add(reader.GetString(0));
                }
            }
        }

        if (missingCount > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{missingCount:N0} blob(s) of large content named by rows are missing ({Describe(connection, transaction, missing)}); {Advice}");
        }

        if (CheckOutboxBlobs(connection, transaction) is { } outboxLine)
        {
            yield return outboxLine;
        }
    }

    /// <summary>
    /// The outbox records whose payloads name a blob the database does not hold (records that refer to their row name what
    /// the row names, checked above). acode keeps every blob a retained record names (docs/storage.md); a workspace
    /// damaged by hand, or by an acode whose sweep kept only the blobs of undelivered records, can hold such records:
    /// each fails alone when it is delivered (ACODE-DB-002 in its <c>last_error</c>), and a delivered one cannot be sent
    /// again by <c>acode db sync retry --processed</c>. One line naming up to <see cref="NamedBlobProblems"/> of them, or null.
    /// </summary>
    private static string? CheckOutboxBlobs(SqliteConnection connection, SqliteTransaction transaction)
    {
        var named = new List<string>();
        long count = 0;
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"""
                WITH p AS (SELECT id, entity_type, entity_id, status, CASE WHEN json_valid(payload) THEN payload END AS payload
                           FROM outbox WHERE entity_type IN ('ToolCall', 'Artifact') AND payload <> '')
                SELECT o.id, o.entity_type, o.entity_id, o.status, r.value
                FROM p o, {SqliteBlobs.PayloadBlobNamesSql}
                WHERE r.value IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.hash = r.value)
                ORDER BY o.id;
                """;
            using SqliteDataReader reader = command.ExecuteReader();
            long last = -1;
            while (reader.Read())
            {
                long id = reader.GetInt64(0);
                if (id == last)
                {
                    continue;
                }

                last = id;
                count++;
                if (named.Count < NamedBlobProblems)
                {
                    string hash = Convert.ToString(reader.GetValue(4), CultureInfo.InvariantCulture) ?? "?";
                    named.Add(string.Create(CultureInfo.InvariantCulture, $"record {id} {reader.GetString(1)} {reader.GetString(2)} ({reader.GetString(3)}), blob {(hash.Length > 12 ? hash[..12] : hash)}"));
                }
            }
        }

        return count == 0 ? null :
            $"{count.ToString("N0", CultureInfo.InvariantCulture)} outbox record(s) name blobs of large content that are missing ({string.Join("; ", named)}); such a record cannot be delivered "
            + "to PostgreSQL ('acode db sync' fails it alone, also after 'acode db sync retry --processed'): restore .agent/workspace.db from a backup to "
            + "deliver it. A delivered (Processed) one goes with the delivered records after persistence:sqlite:outboxRetentionDays, and a PostgreSQL that "
            + "already holds its version lacks nothing";
    }

    private const string Advice = "the rows naming them cannot be read: restore .agent/workspace.db from a backup, or read those sessions from the team's PostgreSQL with --remote if they were synced";

    private static bool Decodes(string hash, string codec, long rawLength, byte[] content)
    {
        try
        {
            return string.Equals(BlobCodec.Hash(BlobCodec.Decompress(codec, content, rawLength)), hash, StringComparison.Ordinal);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>"blob 1a2b3c4d5e6f in sess_…, sess_…; …": each hash shortened to 12 digits, with the sessions whose rows name it.</summary>
    private static string Describe(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<string> hashes)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT DISTINCT session_id FROM ({NamedBlobsSql}) n WHERE n.hash = $hash ORDER BY session_id LIMIT {NamedBlobProblems};";
        SqliteParameter parameter = command.Parameters.Add("$hash", SqliteType.Text);
        var parts = new List<string>(hashes.Count);
        foreach (string hash in hashes)
        {
            parameter.Value = hash;
            var sessions = new List<string>();
            using (SqliteDataReader reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    sessions.Add(reader.GetString(0));
                }
            }

            string shortHash = hash.Length > 12 ? hash[..12] : hash;
            parts.Add(sessions.Count == 0 ? $"blob {shortHash}, named by no row" : $"blob {shortHash} in {string.Join(", ", sessions)}");
        }

        return string.Join("; ", parts);
    }
}

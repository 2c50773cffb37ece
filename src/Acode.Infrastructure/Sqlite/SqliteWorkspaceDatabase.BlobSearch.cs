using System.Globalization;
using Acode.Application.Errors;
using Acode.Infrastructure.Blobs;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteWorkspaceDatabase
{
    /// <summary>
    /// Counts what is out of step in the index of large content (schema 1.6.0): entries whose blob is gone, entries FTS5
    /// holds no document for (<c>blob_search_index_docsize</c> has one row per indexed document), and documents without
    /// an entry. All zero in a sound database; the triggers and the store keep them so.
    /// </summary>
    private const string BlobSearchDifferencesSql = """
        SELECT (SELECT count(*) FROM blob_search_entries e WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.hash = e.hash)),
               (SELECT count(*) FROM blob_search_entries e WHERE NOT EXISTS (SELECT 1 FROM blob_search_index_docsize d WHERE d.id = e.id)),
               (SELECT count(*) FROM blob_search_index_docsize d WHERE NOT EXISTS (SELECT 1 FROM blob_search_entries e WHERE e.id = d.id));
        """;

    /// <summary>
    /// Rebuilds the search index of large content (schema 1.6.0) from the blobs when <c>acode db check</c> finds it out
    /// of step, in one write transaction: every entry is removed and every blob whose bytes are UTF-8 indexed again, as
    /// the store indexes a new blob. Returns the number of blobs indexed, or 0 when the index was sound (nothing written).
    /// </summary>
    /// <exception cref="AcodeDbException">ACODE-DB-002: a blob does not decode (the rebuild rolls back; <c>acode db check</c> lists the damaged blobs).</exception>
    internal Task<int> RebuildBlobSearchIndexAsync(CancellationToken cancellationToken = default) => WriteAsync((transaction, commands) =>
    {
        SqliteConnection connection = transaction.Connection!;
        if (!HasBlobSearchIndex(connection, transaction) || BlobSearchDifferences(connection, transaction) is (0, 0, 0))
        {
            return 0;
        }

        SqliteScript.Execute(connection, transaction, "DELETE FROM blob_search_entries;");
        SqliteScript.Execute(connection, transaction, "INSERT INTO blob_search_index (blob_search_index) VALUES ('delete-all');");
        var hashes = new List<string>();
        using (SqliteCommand list = connection.CreateCommand())
        {
            list.Transaction = transaction;
            list.CommandText = "SELECT hash FROM blobs ORDER BY hash;";
            using SqliteDataReader reader = list.ExecuteReader();
            while (reader.Read())
            {
                hashes.Add(reader.GetString(0));
            }
        }

        int indexed = 0;
        foreach (string hash in hashes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[]? raw;
            try
            {
                raw = SqliteBlobs.Read(commands, transaction, hash);
            }
            catch (InvalidDataException ex)
            {
                throw AcodeErrors.DamagedBlob(connection.DataSource, hash, ex.Message, ex);
            }

            if (raw is not null && SqliteBlobs.Index(commands, transaction, hash, raw))
            {
                indexed++;
            }
        }

        return indexed;
    }, cancellationToken);

    /// <summary>The search index of large content against the blobs, read-only: one line per kind of difference, none when sound.</summary>
    private static IEnumerable<string> CheckBlobSearchIndex(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (!HasBlobSearchIndex(connection, transaction))
        {
            yield break;
        }

        (long stale, long missing, long orphans) = BlobSearchDifferences(connection, transaction);
        if (stale + missing + orphans > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"search index of large content: {stale:N0} entr(ies) of deleted blobs, {missing:N0} not indexed, {orphans:N0} indexed without an entry (rebuild it: acode db check --recount)");
        }
    }

    private static bool HasBlobSearchIndex(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM sqlite_schema WHERE name IN ('blob_search_entries', 'blob_search_index_docsize');";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 2;
    }

    private static (long Stale, long Missing, long Orphans) BlobSearchDifferences(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = BlobSearchDifferencesSql;
        using SqliteDataReader reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}

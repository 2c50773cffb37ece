using Acode.Domain.Entities;
using Acode.Domain.Time;
using Acode.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Support;

/// <summary>
/// Puts saved sessions into a workspace database that is still at an older schema, for the tests that migrate it
/// forward with data in it. Today's <see cref="SqliteRunStateStore"/> writes today's columns (1.5.0's blob names, for
/// one), so it cannot write an old schema itself: it saves into a scratch database at the latest schema, without
/// moving any value into <c>blobs</c> (as every store before 1.5.0 kept its values inline), and the rows are copied
/// into the old database, the columns both schemas have, outbox records with their payloads (as every store before 1.7.0
/// wrote them). Outbox ids are kept and the rows are inserted parents first, so the
/// old schema's own triggers (row counters, search index) see ordinary inserts, and the outbox records name the old
/// workspace as their origin.
/// </summary>
internal static class OldSchemaSessions
{
    /// <summary>The tables a save writes, parents first.</summary>
    private static readonly string[] Tables = ["sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events", "outbox"];

    /// <summary>The tables that hold large content since schema 1.6.0 (<c>blob_search_index</c> is not copied: a test that needs its entries writes them).</summary>
    private static readonly string[] BlobTables = ["blobs", "blob_search_entries"];

    public static Task SaveAsync(SqliteWorkspaceDatabase old, Session session, HybridClock? clock = null)
        => SaveAllAsync(old, [session], clock);

    /// <summary>
    /// Saves <paramref name="sessions"/> (new ones) as today's store does, into <paramref name="old"/>, whatever its schema;
    /// with <paramref name="blobs"/> (an old schema of 1.6.0 or later) large values go into <c>blobs</c> as today's store
    /// puts them there, and their <c>blobs</c> and <c>blob_search_entries</c> rows are copied too.
    /// </summary>
    public static Task SaveAllAsync(SqliteWorkspaceDatabase old, IReadOnlyCollection<Session> sessions, HybridClock? clock = null, bool blobs = false)
        => WriteAsync(old, latest => (blobs ? new SqliteRunStateStore(latest, clock) : new SqliteRunStateStore(latest, clock, blobThresholdBytes: int.MaxValue)).SaveAllAsync(sessions), blobs);

    /// <summary>
    /// Runs <paramref name="write"/> (saves, imports: new sessions only) against a scratch database at the latest schema
    /// and copies what it wrote into <paramref name="old"/>, as <see cref="SaveAllAsync"/> does; <paramref name="write"/>
    /// must keep large values inline unless <paramref name="blobs"/>.
    /// </summary>
    public static async Task WriteAsync(SqliteWorkspaceDatabase old, Func<SqliteWorkspaceDatabase, Task> write, bool blobs = false)
    {
        using var scratch = new TempWorkspace();
        using (SqliteWorkspaceDatabase latest = scratch.Open())
        {
            await write(latest);
        }

        // Every store before schema 1.7.0 wrote each record's payload; today's refers to the row instead.
        SqliteProbe.MaterializeOutboxPayloads(scratch.DatabasePath);

        using SqliteConnection connection = SqliteProbe.Open(old.Workspace.DatabasePath);
        SqliteProbe.Execute(connection, "ATTACH DATABASE $path AS latest;", ("$path", scratch.DatabasePath));
        if (!blobs && SqliteProbe.Count(connection, "SELECT count(*) FROM latest.blobs;") != 0)
        {
            throw new InvalidOperationException("The scratch save stored blobs, which a schema before 1.5.0 cannot hold.");
        }

        using (SqliteTransaction transaction = connection.BeginTransaction())
        {
            foreach (string table in blobs ? [.. BlobTables, .. Tables] : Tables)
            {
                List<string> columns = SqliteProbe.Rows(connection, """
                    SELECT o.name FROM pragma_table_info($table, 'main') AS o
                    WHERE o.name IN (SELECT name FROM pragma_table_xinfo($table, 'latest')) ORDER BY o.cid;
                    """, ("$table", table)).Select(r => (string)r["name"]!).ToList();
                if (columns.Count == 0)
                {
                    throw new InvalidOperationException($"The old database has no table {table}.");
                }

                string names = string.Join(", ", columns.Select(c => $"\"{c}\""));
                string values = string.Join(", ", columns.Select(c => table == "outbox" && c == "origin" ? "$origin" : $"\"{c}\""));
                using SqliteCommand insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = $"INSERT INTO main.\"{table}\" ({names}) SELECT {values} FROM latest.\"{table}\" ORDER BY rowid;";
                insert.Parameters.AddWithValue("$origin", old.WorkspaceId);
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        SqliteProbe.Execute(connection, "DETACH DATABASE latest;");
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Acode.Application.Queries;
using Acode.Application.Search;
using Acode.Application.Serialization;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Search;

/// <summary>
/// <see cref="ISessionSearch"/> on the workspace database: the FTS5 index <c>search_index</c> over <c>search_entries</c>
/// (schema 1.3.0), which triggers keep current in the transaction of every write, and for large content stored as a
/// blob the contentless FTS5 index <c>blob_search_index</c> (schema 1.6.0), one entry per blob, a hit for every row that
/// names it (a tool call's arguments or result, a text artifact's content). Score is the negated BM25 of FTS5 (higher
/// is better). One read transaction per page: the hits and their snippets come from one snapshot.
/// </summary>
public sealed class SqliteSessionSearch : ISessionSearch
{
    private const int SnippetWords = 16;

    /// <summary>
    /// Every hit of <c>$match</c>: the entries of <c>search_index</c> (fields stored in their rows) and, through the rows
    /// that name them, the blobs of <c>blob_search_index</c> (fields stored as blobs; an artifact's content only when the
    /// artifact is text, the rule of the 1.3.0 triggers). Each blob is matched once (the CTE), however many rows name it.
    /// Columns: entry id or blob hash, session id, entity type, entity id, field, score.
    /// </summary>
    private const string HitsSql = """
        WITH blob_matches AS MATERIALIZED (
            SELECT e.hash, m.score
            FROM (SELECT rowid AS id, -bm25(blob_search_index) AS score FROM blob_search_index WHERE blob_search_index MATCH $match) m
            JOIN blob_search_entries e ON e.id = m.id),
        hits AS (
            SELECT e.id AS entry_id, NULL AS blob_hash, e.session_id, e.entity_type, e.entity_id, e.field, m.score
            FROM (SELECT rowid AS id, -bm25(search_index) AS score FROM search_index WHERE search_index MATCH $match) m
            JOIN search_entries e ON e.id = m.id
            UNION ALL
            SELECT NULL, b.hash, t.session_id, 'ToolCall', t.id, 'arguments', b.score FROM blob_matches b JOIN tool_calls t ON t.arguments_blob = b.hash
            UNION ALL
            SELECT NULL, b.hash, t.session_id, 'ToolCall', t.id, 'result', b.score FROM blob_matches b JOIN tool_calls t ON t.result_blob = b.hash
            UNION ALL
            SELECT NULL, b.hash, a.session_id, 'Artifact', a.id, 'content', b.score FROM blob_matches b JOIN artifacts a ON a.content_blob = b.hash
            WHERE a.kind IN ('Diff', 'Log') OR lower(a.media_type) LIKE 'text/%' OR lower(a.media_type) LIKE '%json%' OR lower(a.media_type) LIKE '%xml%'
               OR lower(a.media_type) LIKE '%yaml%' OR lower(a.media_type) LIKE '%javascript%')
        SELECT h.entry_id, h.blob_hash, h.session_id, h.entity_type, h.entity_id, h.field, h.score, s.title, s.state, s.updated_at
        FROM hits h
        JOIN sessions s ON s.id = h.session_id
        """;

    private readonly SqliteWorkspaceDatabase _database;

    /// <summary>A search over this workspace's sessions (the FTS5 index of schema 1.3.0).</summary>
    /// <param name="database">The opened, migrated workspace database.</param>
    public SqliteSessionSearch(SqliteWorkspaceDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc/>
    public Task<Page<SearchHit>> SearchAsync(SearchQuery query, SessionFilter filter, PaginationOptions page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        SearchCursor? cursor = page.Cursor is null ? null : SearchCursor.Decode(page.Cursor, query, filter);
        string match = Fts5Query.From(query);
        Page<SearchHit> result = _database.Read((connection, transaction) =>
        {
            var where = new List<string>();
            var parameters = new List<(string Name, object? Value)> { ("$match", match), ("$limit", page.Limit + 1) };
            if (filter.States.Count > 0)
            {
                where.Add("s.state IN (SELECT value FROM json_each($states))");
                parameters.Add(("$states", JsonSerializer.Serialize(filter.States.Distinct().Select(s => s.ToString()).ToArray(), SearchJson.Default.StringArray)));
            }

            AddRange(where, parameters, "s.created_at", filter.CreatedFrom, filter.CreatedTo, "created");
            AddRange(where, parameters, "s.updated_at", filter.UpdatedFrom, filter.UpdatedTo, "updated");
            if (!string.IsNullOrEmpty(filter.TitleContains))
            {
                where.Add("instr(lower(s.title), lower($title)) > 0");
                parameters.Add(("$title", filter.TitleContains));
            }

            if (cursor is { } c)
            {
                where.Add("(h.score < $cursor_score OR (h.score = $cursor_score AND (h.entity_id > $cursor_entity OR (h.entity_id = $cursor_entity AND h.field > $cursor_field))))");
                parameters.AddRange([("$cursor_score", c.Score), ("$cursor_entity", c.EntityId), ("$cursor_field", c.Field)]);
            }

            var sql = new StringBuilder(HitsSql);
            if (where.Count > 0)
            {
                sql.Append("\nWHERE ").AppendJoin(" AND ", where);
            }

            sql.Append("\nORDER BY h.score DESC, h.entity_id, h.field LIMIT $limit;");
            SqliteCommand command = SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, sql.ToString());
            foreach ((string name, object? value) in parameters)
            {
                command.With(name, value);
            }

            var rows = new List<Row>(page.Limit + 1);
            using (SqliteDataReader r = command.ExecuteReader())
            {
                while (r.Read())
                {
                    rows.Add(new Row(r.IsDBNull(0) ? null : r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), SessionId.Parse(r.GetString(2)), Enum.Parse<EntityType>(r.GetString(3)),
                        r.GetString(4), r.GetString(5), r.GetDouble(6), r.GetString(7), Enum.Parse<SessionState>(r.GetString(8)), UtcTimestamp.Parse(r.GetString(9))));
                }
            }

            string? next = null;
            if (rows.Count > page.Limit)
            {
                rows.RemoveAt(rows.Count - 1);
                Row last = rows[^1];
                next = new SearchCursor(last.Score, last.EntityId, last.Field).Encode(query, filter);
            }

            Dictionary<long, string> snippets = Snippets(connection, transaction, match, rows);
            Dictionary<string, string> blobSnippets = BlobSnippets(connection, transaction, match, rows);
            var hits = rows.Select(r => new SearchHit(r.SessionId, r.SessionTitle, r.SessionState, r.SessionUpdatedAt, r.EntityType, r.EntityId, r.Field,
                SearchSnippet.FromMarked(r.EntryId is { } id ? snippets.GetValueOrDefault(id, "") : blobSnippets.GetValueOrDefault(r.BlobHash!, "")), r.Score, null)).ToList();
            return new Page<SearchHit>(hits, next);
        }, cancellationToken);
        return Task.FromResult(result);
    }

    /// <summary>The marked snippet of each hit of <c>search_index</c>, cut by FTS5 from the stored text (only for this page's hits).</summary>
    private static Dictionary<long, string> Snippets(SqliteConnection connection, SqliteTransaction transaction, string match, List<Row> rows)
    {
        var snippets = new Dictionary<long, string>();
        if (!rows.Any(r => r.EntryId is not null))
        {
            return snippets;
        }

        SqliteCommand command = SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, $"""
            SELECT rowid, snippet(search_index, 0, $start, $end, '…', {SnippetWords})
            FROM search_index WHERE search_index MATCH $match AND rowid IN (SELECT value FROM json_each($ids));
            """);
        command.With("$start", SearchSnippet.StartMark.ToString()).With("$end", SearchSnippet.EndMark.ToString()).With("$match", match)
            .With("$ids", "[" + string.Join(',', rows.Where(r => r.EntryId is not null).Select(r => r.EntryId!.Value.ToString(CultureInfo.InvariantCulture))) + "]");
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            snippets[reader.GetInt64(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
        }

        return snippets;
    }

    /// <summary>The marked snippet of each blob this page's hits found, cut from the blob's indexed text (once per blob).</summary>
    private static Dictionary<string, string> BlobSnippets(SqliteConnection connection, SqliteTransaction transaction, string match, List<Row> rows)
    {
        var snippets = new Dictionary<string, string>(StringComparer.Ordinal);
        List<string> hashes = rows.Where(r => r.BlobHash is not null).Select(r => r.BlobHash!).Distinct(StringComparer.Ordinal).ToList();
        if (hashes.Count == 0)
        {
            return snippets;
        }

        using var cutter = new Fts5TextSnippets();
        foreach (string hash in hashes)
        {
            string? text = SqliteBlobs.Read(connection, transaction, hash) is { } raw ? BlobSearchText.Of(raw) : null;
            snippets[hash] = text is null ? "" : cutter.Of(text, match, SnippetWords);
        }

        return snippets;
    }

    private static void AddRange(List<string> where, List<(string Name, object? Value)> parameters, string column, DateTimeOffset? from, DateTimeOffset? to, string name)
    {
        if (from is { } f)
        {
            where.Add($"{column} >= ${name}_from");
            parameters.Add(($"${name}_from", UtcTimestamp.Format(f)));
        }

        if (to is { } t)
        {
            where.Add($"{column} < ${name}_to");
            parameters.Add(($"${name}_to", UtcTimestamp.Format(t)));
        }
    }

    private sealed record Row(long? EntryId, string? BlobHash, SessionId SessionId, EntityType EntityType, string EntityId, string Field, double Score, string SessionTitle, SessionState SessionState, DateTimeOffset SessionUpdatedAt);
}

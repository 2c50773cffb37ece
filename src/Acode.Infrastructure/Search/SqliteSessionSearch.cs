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

    /// <summary>Blobs whose words (not their order: the index keeps no positions) match <c>$blob_match</c>: hash, score.</summary>
    private const string BlobCandidatesSql = """
        SELECT e.hash, -bm25(blob_search_index) AS score
        FROM blob_search_index JOIN blob_search_entries e ON e.id = blob_search_index.rowid
        WHERE blob_search_index MATCH $blob_match
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
        filter.Validate();
        SearchCursor? cursor = page.Cursor is null ? null : SearchCursor.Decode(page.Cursor, query, filter, CursorStore.Workspace(_database.WorkspaceId));
        string match = Fts5Query.From(query);
        Page<SearchHit> result = _database.Read((connection, transaction) =>
        {
            var where = new List<string>();
            (string blobMatch, bool exact) = Fts5Query.WithoutPhrases(query);
            var parameters = new List<(string Name, object? Value)> { ("$match", match), ("$blob_match", blobMatch), ("$limit", page.Limit + 1) };
            using var matcher = new Fts5TextMatcher();
            var blobSnippets = new Dictionary<string, string>(StringComparer.Ordinal);
            string? verified = null;
            if (!exact)
            {
                verified = Verify(connection, transaction, match, blobMatch, matcher, blobSnippets);
                parameters.Add(("$verified", verified));
            }

            if (filter.States.Count > 0)
            {
                where.Add("s.state IN (SELECT value FROM json_each($states))");
                parameters.Add(("$states", JsonSerializer.Serialize(filter.States.Distinct().Select(s => s.ToString()).ToArray(), SearchJson.Default.StringArray)));
            }

            AddRange(where, parameters, "s.created_at", filter.CreatedFrom, filter.CreatedTo, "created");
            AddRange(where, parameters, "s.updated_at", filter.UpdatedFrom, filter.UpdatedTo, "updated");
            if (!string.IsNullOrEmpty(filter.TitleContains))
            {
                where.Add(TitleFold.SqliteContains("s.title", "$title"));
                parameters.Add(("$title", filter.TitleContains));
            }

            if (cursor is { } c)
            {
                where.Add("(h.score < $cursor_score OR (h.score = $cursor_score AND (h.entity_id > $cursor_entity OR (h.entity_id = $cursor_entity AND h.field > $cursor_field))))");
                parameters.AddRange([("$cursor_score", c.Score), ("$cursor_entity", c.EntityId), ("$cursor_field", c.Field)]);
            }

            var sql = new StringBuilder(HitsSql(verified is not null));
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
                    rows.Add(new Row(r.IsDBNull(0) ? null : r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), SessionId.Parse(r.GetString(2)), StoredValue.Enum<EntityType>(r.GetString(3), "search_entries.entity_type"),
                        r.GetString(4), r.GetString(5), r.GetDouble(6), r.GetString(7), StoredValue.Enum<SessionState>(r.GetString(8), "sessions.state"), UtcTimestamp.Parse(r.GetString(9))));
                }
            }

            string? next = null;
            if (rows.Count > page.Limit)
            {
                rows.RemoveAt(rows.Count - 1);
                Row last = rows[^1];
                next = new SearchCursor(last.Score, last.EntityId, last.Field).Encode(query, filter, CursorStore.Workspace(_database.WorkspaceId));
            }

            Dictionary<long, string> snippets = Snippets(connection, transaction, match, rows);
            AddBlobSnippets(connection, transaction, match, rows, matcher, blobSnippets);
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
            .WithJsonArray("$ids", rows.Where(r => r.EntryId is not null).Select(r => r.EntryId!.Value));
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            snippets[reader.GetInt64(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
        }

        return snippets;
    }

    /// <summary>
    /// The hashes (a JSON array) of the blobs that match <paramref name="match"/> exactly, among those whose words match
    /// (<paramref name="blobMatch"/>, a query's phrases relaxed to their words, since the blob index keeps no positions):
    /// each candidate's text is matched with the exact query (<see cref="Fts5TextMatcher"/>), and the snippet of each
    /// match is kept for the page. Runs only for a query with a phrase.
    /// </summary>
    private static string Verify(SqliteConnection connection, SqliteTransaction transaction, string match, string blobMatch, Fts5TextMatcher matcher, Dictionary<string, string> snippets)
    {
        var candidates = new List<string>();
        SqliteCommand command = SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, BlobCandidatesSql).With("$blob_match", blobMatch);
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                candidates.Add(reader.GetString(0));
            }
        }

        var verified = new List<string>(candidates.Count);
        foreach (string hash in candidates)
        {
            if (SqliteBlobs.ReadIndexedText(connection, transaction, hash) is { } text && matcher.Snippet(text, match, SnippetWords) is { } snippet)
            {
                verified.Add(hash);
                snippets[hash] = snippet;
            }
        }

        return JsonSerializer.Serialize(verified.ToArray(), SearchJson.Default.StringArray);
    }

    /// <summary>The marked snippet of each blob this page's hits found that has none yet, cut from the blob's indexed text (once per blob).</summary>
    private static void AddBlobSnippets(SqliteConnection connection, SqliteTransaction transaction, string match, List<Row> rows, Fts5TextMatcher matcher, Dictionary<string, string> snippets)
    {
        foreach (string hash in rows.Where(r => r.BlobHash is not null).Select(r => r.BlobHash!).Distinct(StringComparer.Ordinal))
        {
            if (!snippets.ContainsKey(hash))
            {
                string? text = SqliteBlobs.ReadIndexedText(connection, transaction, hash);
                snippets[hash] = text is null ? "" : matcher.Snippet(text, match, SnippetWords) ?? "";
            }
        }
    }

    /// <summary>
    /// Every hit of the query: the entries of <c>search_index</c> (fields stored in their rows; <c>$match</c>) and,
    /// through the rows that name them, the blobs of <c>blob_search_index</c> (fields stored as blobs; <c>$blob_match</c>,
    /// and when that was relaxed, only the <c>$verified</c> blobs); an artifact's content only when the artifact is text,
    /// the rule of the 1.3.0 triggers. Each blob is matched once (the CTE), however many rows name it. Columns: entry id
    /// or blob hash, session id, entity type, entity id, field, score, then the session's title, state and updated_at.
    /// </summary>
    private static string HitsSql(bool verified) => $"""
        WITH blob_matches AS MATERIALIZED (
            {BlobCandidatesSql}{(verified ? "\n      AND e.hash IN (SELECT value FROM json_each($verified))" : "")}),
        hits AS (
            SELECT e.id AS entry_id, NULL AS blob_hash, e.session_id, e.entity_type, e.entity_id, e.field, m.score
            FROM (SELECT rowid AS id, -bm25(search_index) AS score FROM search_index WHERE search_index MATCH $match) m
            JOIN search_entries e ON e.id = m.id
            UNION ALL
            SELECT NULL, b.hash, t.session_id, 'ToolCall', t.id, 'arguments', b.score FROM blob_matches b JOIN tool_calls t ON t.arguments_blob = b.hash
            UNION ALL
            SELECT NULL, b.hash, t.session_id, 'ToolCall', t.id, 'result', b.score FROM blob_matches b JOIN tool_calls t ON t.result_blob = b.hash
            UNION ALL
            SELECT NULL, b.hash, x.session_id, 'Artifact', x.id, 'content', b.score FROM blob_matches b JOIN artifacts x ON x.content_blob = b.hash
            WHERE {TextArtifactRule.OverX})
        SELECT h.entry_id, h.blob_hash, h.session_id, h.entity_type, h.entity_id, h.field, h.score, s.title, s.state, s.updated_at
        FROM hits h
        JOIN sessions s ON s.id = h.session_id
        """;

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

using System.Globalization;
using System.Text;
using System.Text.Json;
using Acode.Application.Queries;
using Acode.Application.Search;
using Acode.Application.Serialization;
using Acode.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Search;

/// <summary>
/// <see cref="ISessionSearch"/> on the workspace database: the FTS5 index <c>search_index</c> over <c>search_entries</c>
/// (schema 1.3.0), which triggers keep current in the transaction of every write. Score is the negated BM25 of FTS5
/// (higher is better). One read transaction per page: the hits and their snippets come from one snapshot.
/// </summary>
public sealed class SqliteSessionSearch : ISessionSearch
{
    private const int SnippetWords = 16;

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
                where.Add("(m.score < $cursor_score OR (m.score = $cursor_score AND (e.entity_id > $cursor_entity OR (e.entity_id = $cursor_entity AND e.field > $cursor_field))))");
                parameters.AddRange([("$cursor_score", c.Score), ("$cursor_entity", c.EntityId), ("$cursor_field", c.Field)]);
            }

            var sql = new StringBuilder("""
                SELECT e.id, e.session_id, e.entity_type, e.entity_id, e.field, m.score, s.title, s.state, s.updated_at
                FROM (SELECT rowid AS id, -bm25(search_index) AS score FROM search_index WHERE search_index MATCH $match) m
                JOIN search_entries e ON e.id = m.id
                JOIN sessions s ON s.id = e.session_id
                """);
            if (where.Count > 0)
            {
                sql.Append("\nWHERE ").AppendJoin(" AND ", where);
            }

            sql.Append("\nORDER BY m.score DESC, e.entity_id, e.field LIMIT $limit;");
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
                    rows.Add(new Row(r.GetInt64(0), SessionId.Parse(r.GetString(1)), Enum.Parse<EntityType>(r.GetString(2)), r.GetString(3), r.GetString(4),
                        r.GetDouble(5), r.GetString(6), Enum.Parse<SessionState>(r.GetString(7)), UtcTimestamp.Parse(r.GetString(8))));
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
            var hits = rows.Select(r => new SearchHit(r.SessionId, r.SessionTitle, r.SessionState, r.SessionUpdatedAt, r.EntityType, r.EntityId, r.Field,
                SearchSnippet.FromMarked(snippets.GetValueOrDefault(r.Id, "")), r.Score, null)).ToList();
            return new Page<SearchHit>(hits, next);
        }, cancellationToken);
        return Task.FromResult(result);
    }

    /// <summary>The marked snippet of each hit, cut by FTS5 from the stored text (only for this page's hits).</summary>
    private static Dictionary<long, string> Snippets(SqliteConnection connection, SqliteTransaction transaction, string match, List<Row> rows)
    {
        var snippets = new Dictionary<long, string>();
        if (rows.Count == 0)
        {
            return snippets;
        }

        SqliteCommand command = SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, $"""
            SELECT rowid, snippet(search_index, 0, $start, $end, '…', {SnippetWords})
            FROM search_index WHERE search_index MATCH $match AND rowid IN (SELECT value FROM json_each($ids));
            """);
        command.With("$start", SearchSnippet.StartMark.ToString()).With("$end", SearchSnippet.EndMark.ToString()).With("$match", match)
            .With("$ids", "[" + string.Join(',', rows.Select(r => r.Id.ToString(CultureInfo.InvariantCulture))) + "]");
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            snippets[reader.GetInt64(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
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

    private sealed record Row(long Id, SessionId SessionId, EntityType EntityType, string EntityId, string Field, double Score, string SessionTitle, SessionState SessionState, DateTimeOffset SessionUpdatedAt);
}

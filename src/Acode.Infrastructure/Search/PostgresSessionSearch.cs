using System.Globalization;
using System.Text;
using Acode.Application.Queries;
using Acode.Application.Search;
using Acode.Infrastructure.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.Search;

/// <summary>
/// <see cref="ISessionSearch"/> on the shared PostgreSQL mirror (schema 1.3.0): every workspace's sessions, through one
/// GIN index per searchable field (<c>to_tsvector('simple', acode_search_words(field))</c>). Hits in tombstoned sessions
/// (<c>deleted_at</c> set) and in sessions that have not arrived yet are left out. Score is <c>ts_rank</c> (higher is
/// better); snippets are <c>ts_headline</c>, computed for the page's hits only. <see cref="SearchHit.Origin"/> is the
/// workspace that wrote the matched row.
/// </summary>
public sealed class PostgresSessionSearch : ISessionSearch
{
    /// <summary>The searchable fields: entity type, field, table and the exact indexed expression over row <c>x</c>.</summary>
    internal static readonly (string EntityType, string Field, string Table, string Expression)[] Fields =
    [
        ("Session", "title", "sessions", "acode_search_words(x.title)"),
        ("Session", "goal", "sessions", "acode_search_words(x.goal)"),
        ("SessionTask", "title", "session_tasks", "acode_search_words(x.title)"),
        ("SessionTask", "description", "session_tasks", "acode_search_words(x.description)"),
        ("Step", "title", "steps", "acode_search_words(x.title)"),
        ("Step", "description", "steps", "acode_search_words(x.description)"),
        ("ToolCall", "tool_name", "tool_calls", "acode_search_words(x.tool_name)"),
        ("ToolCall", "arguments", "tool_calls", "acode_search_words(x.arguments::text)"),
        ("ToolCall", "result", "tool_calls", "acode_search_words(x.result)"),
        ("ToolCall", "error", "tool_calls", "acode_search_words(x.error)"),
        ("Artifact", "name", "artifacts", "acode_search_words(x.name)"),
        ("Artifact", "content", "artifacts", "acode_search_words(acode_search_text(x.kind, x.media_type, x.content))"),
    ];

    private const string HeadlineOptions = "StartSel=\uE000, StopSel=\uE001, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=\" … \"";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>A search over every workspace's live sessions in PostgreSQL.</summary>
    /// <param name="dataSource">The configured PostgreSQL (migrated to 1.3.0 or later).</param>
    public PostgresSessionSearch(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <inheritdoc/>
    public async Task<Page<SearchHit>> SearchAsync(SearchQuery query, SessionFilter filter, PaginationOptions page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        SearchCursor? cursor = page.Cursor is null ? null : SearchCursor.Decode(page.Cursor, query, filter);
        try
        {
            NpgsqlConnection connection = await PostgresDataSourceFactory.OpenConnectionAsync(_dataSource, cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                NpgsqlCommand command = Build(connection, query, filter, page, cursor);
                await using var disposeCommand = command.ConfigureAwait(false);
                var rows = new List<SearchHit>(page.Limit + 1);
                NpgsqlDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (r.ConfigureAwait(false))
                {
                    while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add(new SearchHit(SessionId.Parse(r.GetString(0)), r.GetString(1), Enum.Parse<SessionState>(r.GetString(2)), r.GetFieldValue<DateTimeOffset>(3),
                            Enum.Parse<EntityType>(r.GetString(4)), r.GetString(5), r.GetString(6), SearchSnippet.FromMarked(WithoutAddedSpaces(r.IsDBNull(9) ? "" : r.GetString(9))),
                            r.GetDouble(7), r.GetString(8)));
                    }
                }

                string? next = null;
                if (rows.Count > page.Limit)
                {
                    rows.RemoveAt(rows.Count - 1);
                    SearchHit last = rows[^1];
                    next = new SearchCursor(last.Score, last.EntityId, last.Field).Encode(query, filter);
                }

                return new Page<SearchHit>(rows, next);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.Map(ex, PostgresConnectionSettings.Redact(_dataSource.ConnectionString)) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>The text as stored: the one space <c>acode_search_words</c> put after each ASCII punctuation character removed.</summary>
    internal static string WithoutAddedSpaces(string headline)
    {
        var text = new StringBuilder(headline.Length);
        for (int i = 0; i < headline.Length; i++)
        {
            text.Append(headline[i]);
            if (char.IsAsciiLetterOrDigit(headline[i]) || headline[i] is <= ' ' or > '~')
            {
                continue;
            }

            if (i + 1 < headline.Length && headline[i + 1] == ' ')
            {
                i++;
            }
        }

        return text.ToString();
    }

    /// <summary>The plan PostgreSQL chooses for the statement a search runs (<c>EXPLAIN</c>, not executed); for tests and diagnosis.</summary>
    internal static async Task<string> ExplainAsync(NpgsqlConnection connection, SearchQuery query, SessionFilter filter, PaginationOptions page)
    {
        NpgsqlCommand command = Build(connection, query, filter, page, null);
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = "EXPLAIN " + command.CommandText;
            var plan = new StringBuilder();
            NpgsqlDataReader reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync().ConfigureAwait(false))
                {
                    plan.AppendLine(reader.GetString(0));
                }
            }

            return plan.ToString();
        }
    }

    private static NpgsqlCommand Build(NpgsqlConnection connection, SearchQuery query, SessionFilter filter, PaginationOptions page, SearchCursor? cursor)
    {
        var command = new NpgsqlCommand { Connection = connection };
        PostgresTsQuery tsquery = PostgresTsQuery.From(query, 1);
        foreach (string value in tsquery.Values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Text });
        }

        string Add(object value, NpgsqlDbType type)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var where = new List<string> { "s.deleted_at IS NULL" };
        if (filter.States.Count > 0)
        {
            where.Add($"s.state = ANY({Add(filter.States.Distinct().Select(s => s.ToString()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})");
        }

        if (filter.CreatedFrom is { } cf)
        {
            where.Add($"s.created_at >= {Add(cf.UtcDateTime, NpgsqlDbType.TimestampTz)}");
        }

        if (filter.CreatedTo is { } ct)
        {
            where.Add($"s.created_at < {Add(ct.UtcDateTime, NpgsqlDbType.TimestampTz)}");
        }

        if (filter.UpdatedFrom is { } uf)
        {
            where.Add($"s.updated_at >= {Add(uf.UtcDateTime, NpgsqlDbType.TimestampTz)}");
        }

        if (filter.UpdatedTo is { } ut)
        {
            where.Add($"s.updated_at < {Add(ut.UtcDateTime, NpgsqlDbType.TimestampTz)}");
        }

        if (!string.IsNullOrEmpty(filter.TitleContains))
        {
            where.Add($"strpos(lower(s.title), lower({Add(filter.TitleContains, NpgsqlDbType.Text)})) > 0");
        }

        if (cursor is { } c)
        {
            string score = Add(c.Score, NpgsqlDbType.Double);
            string entity = Add(c.EntityId, NpgsqlDbType.Text);
            string field = Add(c.Field, NpgsqlDbType.Text);
            where.Add($"(h.score < {score} OR (h.score = {score} AND (h.entity_id COLLATE \"C\", h.field COLLATE \"C\") > ({entity} COLLATE \"C\", {field} COLLATE \"C\")))");
        }

        string limit = Add(page.Limit + 1, NpgsqlDbType.Integer);
        string options = Add(HeadlineOptions, NpgsqlDbType.Text);
        var sql = new StringBuilder();
        sql.Append("WITH q AS MATERIALIZED (SELECT ").Append(tsquery.Sql).Append(" AS query)\n");
        sql.Append("SELECT p.session_id, p.title, p.state, p.updated_at, p.entity_type, p.entity_id, p.field, p.score, p.origin,\n");
        sql.Append("       ts_headline('simple', CASE p.entity_type || '.' || p.field\n");
        foreach ((string type, string field, string table, string expression) in Fields)
        {
            sql.Append(CultureInfo.InvariantCulture, $"           WHEN '{type}.{field}' THEN (SELECT {expression} FROM {table} x WHERE x.id = p.entity_id)\n");
        }

        sql.Append(CultureInfo.InvariantCulture, $"       END, q.query, {options})\n");
        sql.Append("FROM (\n  SELECT h.session_id, s.title, s.state, s.updated_at, h.entity_type, h.entity_id, h.field, h.score, h.origin\n  FROM (\n");
        for (int i = 0; i < Fields.Length; i++)
        {
            (string type, string field, string table, string expression) = Fields[i];
            string sessionId = table == "sessions" ? "x.id" : "x.session_id";
            sql.Append(i == 0 ? "    " : "    UNION ALL\n    ")
                .Append(CultureInfo.InvariantCulture, $"SELECT {sessionId} AS session_id, '{type}' AS entity_type, x.id AS entity_id, '{field}' AS field, x.origin, ts_rank(to_tsvector('simple'::regconfig, {expression}), q.query)::float8 AS score\n")
                .Append(CultureInfo.InvariantCulture, $"    FROM {table} x, q WHERE to_tsvector('simple'::regconfig, {expression}) @@ q.query\n");
        }

        sql.Append("  ) h\n  JOIN sessions s ON s.id = h.session_id\n  WHERE ").AppendJoin(" AND ", where).Append('\n');
        sql.Append(CultureInfo.InvariantCulture, $"  ORDER BY h.score DESC, h.entity_id COLLATE \"C\", h.field COLLATE \"C\"\n  LIMIT {limit}\n) p CROSS JOIN q\n");
        sql.Append("ORDER BY p.score DESC, p.entity_id COLLATE \"C\", p.field COLLATE \"C\";");
        command.CommandText = sql.ToString();
        return command;
    }
}

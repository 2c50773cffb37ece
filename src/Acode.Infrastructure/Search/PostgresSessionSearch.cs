using System.Globalization;
using System.Text;
using Acode.Application.Queries;
using Acode.Application.Search;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.PostgresStore;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.Search;

/// <summary>
/// <see cref="ISessionSearch"/> on the shared PostgreSQL mirror (schema 1.3.0): every workspace's sessions, through one
/// GIN index per searchable field (<c>to_tsvector('simple', acode_search_words(field))</c>; arguments through
/// <c>acode_argument_words</c> since schema 1.12.0, result, error and artifact content through <c>acode_json_text</c> since 1.13.0:
/// JSON text is indexed with its escapes decoded). Hits in tombstoned sessions
/// (<c>deleted_at</c> set) and in sessions that have not arrived yet are left out. Score is <c>ts_rank</c> (higher is
/// better); snippets are <c>ts_headline</c>, computed for the page's hits only. <see cref="SearchHit.Origin"/> is the
/// workspace that wrote the matched row.
/// </summary>
/// <remarks>
/// Large content (schema 1.6.0, docs/storage.md) is searched through its blob's <c>search_words</c> (GIN index
/// <c>ix_blobs_search_words</c>): one branch per blob-backed field joins the rows that name a matching blob, so each row
/// is a hit of its own, and the field's own branch skips rows that name a blob, so their kept prefix is no second hit.
/// PostgreSQL cannot decompress Brotli, so the snippets of the page's blob hits are made from text decoded here: the
/// search returns each such blob once with the page, and a second statement runs <c>ts_headline</c> over their texts.
/// </remarks>
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
        ("ToolCall", "arguments", "tool_calls", "acode_argument_words(x.arguments)"),
        ("ToolCall", "result", "tool_calls", "acode_search_words(acode_json_text(x.result))"),
        ("ToolCall", "error", "tool_calls", "acode_search_words(acode_json_text(x.error))"),
        ("Artifact", "name", "artifacts", "acode_search_words(x.name)"),
        ("Artifact", "content", "artifacts", "acode_search_words(acode_json_text(acode_search_text(x.kind, x.media_type, x.content)))"),
    ];

    /// <summary>The fields whose large content is a blob: entity type, field, table, the row's blob column and what else the row must be.</summary>
    internal static readonly (string EntityType, string Field, string Table, string BlobColumn, string Condition)[] BlobFields =
    [
        ("ToolCall", "arguments", "tool_calls", "arguments_blob", ""),
        ("ToolCall", "result", "tool_calls", "result_blob", ""),
        ("Artifact", "content", "artifacts", "content_blob", " AND " + TextArtifactRule.OverX),
    ];

    // A blob matches by its words' vector. A vector that could not keep every position (search_lossy: over 255 of one
    // word, or past position 16383; migration 1.6.0) cannot decide a phrase: for a query with a phrase, such blobs match
    // only when their text was checked (VerifyLossyAsync, the hashes in $verified). Both arms use an index.
    private const string BlobMatch = "b.search_words @@ q.query";

    // The lossy blobs whose words match a query's phrases loosened to their words (PostgresTsQuery.LooseSql).
    private const string LossyCandidatesSql = "SELECT b.hash, b.codec, b.raw_length, b.content FROM q, blobs b WHERE b.search_lossy AND b.search_words @@ q.loose";

    // ShortWord=0: ts_headline drops words of up to three letters at a snippet's ends by default, which SQLite's
    // snippet() keeps (https://www.postgresql.org/docs/15/textsearch-controls.html#TEXTSEARCH-HEADLINE).
    private const string HeadlineOptions = "StartSel=\uE000, StopSel=\uE001, MaxWords=24, MinWords=8, ShortWord=0, MaxFragments=2, FragmentDelimiter=\"" + FragmentDelimiter + "\"";

    private const string FragmentDelimiter = " … ";

    // How many characters of each end of a field come with a headline, to tell whether the headline reaches that end.
    private const int HeadlineEnds = 256;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>A search over every workspace's live sessions in PostgreSQL.</summary>
    /// <param name="dataSource">The configured PostgreSQL (migrated to 1.6.0 or later: large content is searched through <c>blobs.search_words</c>).</param>
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
        filter.Validate();
        SearchCursor? cursor = page.Cursor is null ? null : SearchCursor.Decode(page.Cursor, query, filter, CursorStore.Postgres);
        try
        {
            NpgsqlConnection connection = await PostgresDataSourceFactory.OpenConnectionAsync(_dataSource, cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                string[]? verified = !query.HasPhrase ? null : await VerifyLossyAsync(connection, query, cancellationToken).ConfigureAwait(false);
                NpgsqlCommand command = Build(connection, query, filter, page, cursor, verified);
                await using var disposeCommand = command.ConfigureAwait(false);
                var rows = new List<(SearchHit Hit, string? Headline, string? Blob)>(page.Limit + 1);
                var blobs = new Dictionary<string, StoredBlob>(StringComparer.Ordinal);
                NpgsqlDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (r.ConfigureAwait(false))
                {
                    while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var hit = new SearchHit(SessionId.Parse(r.GetString(0)), r.GetString(1), Enum.Parse<SessionState>(r.GetString(2)), r.GetFieldValue<DateTimeOffset>(3),
                            Enum.Parse<EntityType>(r.GetString(4)), r.GetString(5), r.GetString(6), SearchSnippet.FromMarked(""), r.GetDouble(7), r.GetString(8))
                        { OriginName = r.IsDBNull(14) ? null : r.GetString(14) };
                        string? blob = r.IsDBNull(10) ? null : r.GetString(10);
                        if (blob is not null && !r.IsDBNull(11))
                        {
                            blobs[blob] = new StoredBlob(blob, r.GetString(11), r.GetInt64(12), r.GetFieldValue<byte[]>(13));
                        }

                        rows.Add((hit, r.IsDBNull(9) ? null : WithEllipses(r.GetString(9), r.IsDBNull(15) ? "" : r.GetString(15), r.IsDBNull(16) ? "" : r.GetString(16)), blob));
                    }
                }

                Dictionary<string, string> blobHeadlines = await BlobHeadlinesAsync(connection, query, blobs.Values, cancellationToken).ConfigureAwait(false);
                List<SearchHit> hits = rows.Select(row => row.Hit with
                {
                    Snippet = SearchSnippet.FromMarked(WithoutAddedSpaces((row.Blob is null ? row.Headline : blobHeadlines.GetValueOrDefault(row.Blob)) ?? "")),
                }).ToList();

                string? next = null;
                if (hits.Count > page.Limit)
                {
                    hits.RemoveAt(hits.Count - 1);
                    SearchHit last = hits[^1];
                    next = new SearchCursor(last.Score, last.EntityId, last.Field).Encode(query, filter, CursorStore.Postgres);
                }

                return new Page<SearchHit>(hits, next);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.MapForStore(ex, PostgresConnectionSettings.Redact(_dataSource.ConnectionString), write: false) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>
    /// The snippet of each blob hit of a page, by blob hash: <c>ts_headline</c> over the blob's indexed text (its first
    /// 65536 characters, decoded here), in one statement for all of them. A blob that is not text has none.
    /// </summary>
    private static async Task<Dictionary<string, string>> BlobHeadlinesAsync(NpgsqlConnection connection, SearchQuery query, IEnumerable<StoredBlob> blobs, CancellationToken cancellationToken)
    {
        var headlines = new Dictionary<string, string>(StringComparer.Ordinal);
        var texts = new List<(string Hash, string Text)>();
        foreach (StoredBlob blob in blobs)
        {
            if (PostgresBlobSearchWords.TextOf(blob) is { } text)
            {
                texts.Add((blob.Hash, text));
            }
        }

        if (texts.Count == 0)
        {
            return headlines;
        }

        var command = new NpgsqlCommand { Connection = connection };
        await using var disposeCommand = command.ConfigureAwait(false);
        PostgresTsQuery tsquery = PostgresTsQuery.From(query, 1);
        foreach (string value in tsquery.Values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Text });
        }

        command.Parameters.Add(PostgresRunStateStore.TextArray(texts.Select(t => t.Hash)));
        string hashes = "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        command.Parameters.Add(PostgresRunStateStore.TextArray(texts.Select(t => t.Text)));
        string values = "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        command.Parameters.Add(new NpgsqlParameter { Value = HeadlineOptions, NpgsqlDbType = NpgsqlDbType.Text });
        string options = "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        command.CommandText = $"""
            WITH q AS MATERIALIZED (SELECT {tsquery.Sql} AS query)
            SELECT u.hash, ts_headline('simple', d.doc, q.query, {options}), left(d.doc, {HeadlineEnds}), right(d.doc, {HeadlineEnds})
            FROM unnest({hashes}::text[], {values}::text[]) AS u(hash, text) CROSS JOIN q CROSS JOIN LATERAL (SELECT acode_search_words(u.text) AS doc) d;
            """;
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                headlines[reader.GetString(0)] = reader.IsDBNull(1) ? "" : WithEllipses(reader.GetString(1), reader.GetString(2), reader.GetString(3));
            }
        }

        return headlines;
    }

    /// <summary>
    /// A headline with <c>…</c> at each end where <c>ts_headline</c> left text of the field out, as SQLite's <c>snippet()</c>
    /// marks its ends (<c>SqliteSessionSearch</c>). <c>ts_headline</c> keeps the text's characters as they are, so its first
    /// fragment starts the field exactly when the field's <paramref name="head"/> starts with it, and its last fragment ends
    /// the field when <paramref name="tail"/> ends with it (each compared over at most <see cref="HeadlineEnds"/> characters).
    /// </summary>
    /// <param name="headline"><c>ts_headline</c>'s output: fragments joined by <c>" … "</c>, matches between U+E000 and U+E001.</param>
    /// <param name="head">The field's first <see cref="HeadlineEnds"/> characters (as indexed).</param>
    /// <param name="tail">The field's last <see cref="HeadlineEnds"/> characters (as indexed).</param>
    internal static string WithEllipses(string headline, string head, string tail)
    {
        if (headline.Length == 0)
        {
            return headline;
        }

        string plain = headline.Replace("\uE000", "", StringComparison.Ordinal).Replace("\uE001", "", StringComparison.Ordinal);
        int firstEnd = plain.IndexOf(FragmentDelimiter, StringComparison.Ordinal);
        ReadOnlySpan<char> first = firstEnd < 0 ? plain : plain.AsSpan(0, firstEnd);
        int lastStart = plain.LastIndexOf(FragmentDelimiter, StringComparison.Ordinal);
        ReadOnlySpan<char> last = lastStart < 0 ? plain : plain.AsSpan(lastStart + FragmentDelimiter.Length);
        // ts_headline leaves out what precedes a fragment's first word and follows its last (spaces, punctuation); the
        // first fragment starts the headline and the last ends it, so the headline's own non-word ends are theirs.
        int lead = plain.Length - WithoutNonWordStart(plain).Length;
        int trail = plain.Length - WithoutNonWordEnd(plain).Length;
        first = first[Math.Min(lead, first.Length)..];
        last = last[..(last.Length - Math.Min(trail, last.Length))];
        ReadOnlySpan<char> start = WithoutNonWordStart(head), end = WithoutNonWordEnd(tail);
        int k = Math.Min(first.Length, start.Length);
        bool atStart = start.Length > 0 && start[..k].SequenceEqual(first[..k]);
        int n = Math.Min(last.Length, end.Length);
        bool atEnd = end.Length > 0 && end[(end.Length - n)..].SequenceEqual(last[(last.Length - n)..]);

        // A headline that reaches an end of the field gets back what ts_headline dropped there (a title's leading '<',
        // a sentence's final '.'), as snippet() keeps it; one that does not is marked with '…'.
        string before = atStart ? Dropped(head[..(head.Length - start.Length)], plain[..lead], atEnd: false) : "…";
        string after = atEnd ? Dropped(tail[end.Length..], plain[(plain.Length - trail)..], atEnd: true) : "…";
        return before + headline + after;
    }

    /// <summary>What of <paramref name="field"/>'s spaces and punctuation at one end the headline's own (<paramref name="kept"/>) leave out.</summary>
    private static string Dropped(string field, string kept, bool atEnd)
    {
        if (atEnd)
        {
            return field.StartsWith(kept, StringComparison.Ordinal) ? field[kept.Length..] : "";
        }

        return field.EndsWith(kept, StringComparison.Ordinal) ? field[..(field.Length - kept.Length)] : "";
    }

    private static ReadOnlySpan<char> WithoutNonWordStart(ReadOnlySpan<char> text)
    {
        int i = 0;
        while (i < text.Length && !char.IsLetterOrDigit(text[i]))
        {
            i++;
        }

        return text[i..];
    }

    private static ReadOnlySpan<char> WithoutNonWordEnd(ReadOnlySpan<char> text)
    {
        int i = text.Length;
        while (i > 0 && !char.IsLetterOrDigit(text[i - 1]))
        {
            i--;
        }

        return text[..i];
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
        NpgsqlCommand command = Build(connection, query, filter, page, null, !query.HasPhrase ? null : []);
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

    /// <summary>
    /// The hashes of the lossy blobs (<c>search_lossy</c>) that match a query with a phrase exactly: the candidates are
    /// the lossy blobs whose words match (the phrases loosened, <see cref="PostgresTsQuery.LooseSql"/>); each one's indexed
    /// text is matched with the exact query by FTS5 (<see cref="Fts5TextMatcher"/>; acode_search_words makes PostgreSQL
    /// split words where FTS5 does). One round trip, and decoding each candidate's first 256 KiB.
    /// </summary>
    private static async Task<string[]> VerifyLossyAsync(NpgsqlConnection connection, SearchQuery query, CancellationToken cancellationToken)
    {
        PostgresTsQuery tsquery = PostgresTsQuery.From(query, 1);
        var command = new NpgsqlCommand($"WITH q AS MATERIALIZED (SELECT {tsquery.LooseSql} AS loose)\n{LossyCandidatesSql};", connection);
        await using (command.ConfigureAwait(false))
        {
            foreach (string value in tsquery.Values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Text });
            }

            string match = Fts5Query.From(query);
            var verified = new List<string>();
            using var matcher = new Fts5TextMatcher();
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var blob = new StoredBlob(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3));
                    if (PostgresBlobSearchWords.TextOf(blob) is { } text && matcher.Snippet(text, match, 1) is not null)
                    {
                        verified.Add(blob.Hash);
                    }
                }
            }

            return [.. verified];
        }
    }

    private static NpgsqlCommand Build(NpgsqlConnection connection, SearchQuery query, SessionFilter filter, PaginationOptions page, SearchCursor? cursor, string[]? verified)
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
            where.Add(TitleFold.PostgresContains("s.title", Add(filter.TitleContains, NpgsqlDbType.Text)));
        }

        if (cursor is { } c)
        {
            string score = Add(c.Score, NpgsqlDbType.Double);
            string entity = Add(c.EntityId, NpgsqlDbType.Text);
            string field = Add(c.Field, NpgsqlDbType.Text);
            where.Add($"(h.score < {score} OR (h.score = {score} AND (h.entity_id COLLATE \"C\", h.field COLLATE \"C\") > ({entity} COLLATE \"C\", {field} COLLATE \"C\")))");
        }

        string blobMatch = verified is null ? BlobMatch : $"((NOT b.search_lossy AND {BlobMatch}) OR b.hash = ANY({Add(verified, NpgsqlDbType.Array | NpgsqlDbType.Text)}))";
        string limit = Add(page.Limit + 1, NpgsqlDbType.Integer);
        string options = Add(HeadlineOptions, NpgsqlDbType.Text);
        var sql = new StringBuilder();
        sql.Append("WITH q AS MATERIALIZED (SELECT ").Append(tsquery.Sql).Append(" AS query, ").Append(tsquery.LooseSql).Append(" AS loose)\n");
        sql.Append("SELECT p.session_id, p.title, p.state, p.updated_at, p.entity_type, p.entity_id, p.field, p.score, p.origin,\n");
        // A blob hit's headline is made from text decoded in C# (BlobHeadlinesAsync): each blob of the page comes once.
        sql.Append(CultureInfo.InvariantCulture, $"       CASE WHEN p.blob IS NULL THEN ts_headline('simple', d.doc, q.query, {options}) END,\n");
        sql.Append(CultureInfo.InvariantCulture, $"       p.blob, b.codec, b.raw_length, b.content, (SELECT w.name FROM workspaces w WHERE w.id = p.origin), left(d.doc, {HeadlineEnds}), right(d.doc, {HeadlineEnds})\n");
        sql.Append("FROM (\n  SELECT o.*, row_number() OVER (PARTITION BY o.blob ORDER BY o.score DESC, o.entity_id COLLATE \"C\", o.field COLLATE \"C\") AS nth\n  FROM (\n");
        sql.Append("  SELECT h.session_id, s.title, s.state, s.updated_at, h.entity_type, h.entity_id, h.field, h.score, h.origin, h.blob\n  FROM (\n");
        for (int i = 0; i < Fields.Length; i++)
        {
            (string type, string field, string table, string expression) = Fields[i];
            string sessionId = table == "sessions" ? "x.id" : "x.session_id";
            string inline = BlobFields.Where(b => b.EntityType == type && b.Field == field).Select(b => $" AND x.{b.BlobColumn} IS NULL").FirstOrDefault() ?? "";
            sql.Append(i == 0 ? "    " : "    UNION ALL\n    ")
                .Append(CultureInfo.InvariantCulture, $"SELECT {sessionId} AS session_id, '{type}' AS entity_type, x.id AS entity_id, '{field}' AS field, x.origin, ts_rank(to_tsvector('simple'::regconfig, {expression}), q.query)::float8 AS score, NULL::text AS blob\n")
                .Append(CultureInfo.InvariantCulture, $"    FROM {table} x, q WHERE to_tsvector('simple'::regconfig, {expression}) @@ q.query{inline}\n");
        }

        foreach ((string type, string field, string table, string blobColumn, string condition) in BlobFields)
        {
            sql.Append("    UNION ALL\n    ")
                .Append(CultureInfo.InvariantCulture, $"SELECT x.session_id AS session_id, '{type}' AS entity_type, x.id AS entity_id, '{field}' AS field, x.origin, ts_rank(b.search_words, CASE WHEN b.search_lossy THEN q.loose ELSE q.query END)::float8 AS score, b.hash AS blob\n")
                .Append(CultureInfo.InvariantCulture, $"    FROM q, blobs b JOIN {table} x ON x.{blobColumn} = b.hash WHERE {blobMatch}{condition}\n");
        }

        sql.Append("  ) h\n  JOIN sessions s ON s.id = h.session_id\n  WHERE ").AppendJoin(" AND ", where).Append('\n');
        sql.Append(CultureInfo.InvariantCulture, $"  ORDER BY h.score DESC, h.entity_id COLLATE \"C\", h.field COLLATE \"C\"\n  LIMIT {limit}\n  ) o\n) p CROSS JOIN q\n");
        sql.Append("CROSS JOIN LATERAL (SELECT CASE WHEN p.blob IS NULL THEN CASE p.entity_type || '.' || p.field\n");
        foreach ((string type, string field, string table, string expression) in Fields)
        {
            sql.Append(CultureInfo.InvariantCulture, $"           WHEN '{type}.{field}' THEN (SELECT {expression} FROM {table} x WHERE x.id = p.entity_id)\n");
        }

        sql.Append("       END END AS doc) d\n");
        sql.Append(CultureInfo.InvariantCulture, $"LEFT JOIN LATERAL (SELECT b.codec, b.raw_length, CASE WHEN b.codec = 'none' THEN substring(b.content FROM 1 FOR {BlobSearchText.MaxBytes}) ELSE b.content END AS content\n");
        sql.Append("                   FROM blobs b WHERE b.hash = p.blob AND p.nth = 1) b ON true\n");
        sql.Append("ORDER BY p.score DESC, p.entity_id COLLATE \"C\", p.field COLLATE \"C\";");
        command.CommandText = sql.ToString();
        return command;
    }
}

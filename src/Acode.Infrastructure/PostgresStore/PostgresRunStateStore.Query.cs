using System.Text;
using Acode.Application.Errors;
using Acode.Application.Queries;
using Acode.Application.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.PostgresStore;

public sealed partial class PostgresRunStateStore
{
    /// <summary>
    /// As the SQLite store's query, over the live (not tombstoned) sessions. <c>timestamptz</c> keeps microseconds only, so
    /// every comparison and the order use the exact instant as well: <c>hlc</c> (ticks) for <c>updated_at</c>, the document's
    /// <c>createdAt</c> text (fixed width, so its ordinal order is time order) for <c>created_at</c>. The microsecond column
    /// comes first in each comparison, so the (column, id) index still bounds the range.
    /// </summary>
    public Task<Page<SessionSummary>> QuerySessionsAsync(SessionFilter filter, SessionSort sort, PaginationOptions page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        (string sql, NpgsqlParameter[] parameters) = PageCommand(filter, sort, page);
        bool updated = sort is SessionSort.UpdatedDescending or SessionSort.UpdatedAscending;
        return ReadAsync(async connection =>
        {
            var items = new List<SessionSummary>(page.Limit + 1);
            var command = new NpgsqlCommand(sql, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddRange(parameters);
                NpgsqlDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (r.ConfigureAwait(false))
                {
                    while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        items.Add(new SessionSummary(SessionId.Parse(r.GetString(0)), r.GetString(1), Enum.Parse<SessionState>(r.GetString(2)), r.GetInt64(3),
                            UtcTimestamp.Parse(r.GetString(4)), new DateTimeOffset(r.GetInt64(5), TimeSpan.Zero), (int)r.GetInt64(7), (int)r.GetInt64(8))
                        { Origin = r.GetString(6), OriginName = r.IsDBNull(9) ? null : r.GetString(9) });
                    }
                }
            }

            string? next = null;
            if (items.Count > page.Limit)
            {
                items.RemoveAt(items.Count - 1);
                SessionSummary last = items[^1];
                next = SessionCursor.After(filter, sort, updated ? last.UpdatedAt : last.CreatedAt, last.Id, CursorStore.Postgres).Encode();
            }

            return new Page<SessionSummary>(items, next);
        }, cancellationToken);
    }

    /// <summary>
    /// The statement (and its parameters) that reads one page: what <see cref="QuerySessionsAsync"/> executes, and what the
    /// test that keeps every page an index range explains (docs/postgres.md, "Scale").
    /// </summary>
    /// <exception cref="InvalidCursorException">The cursor is not one of acode's.</exception>
    /// <exception cref="CursorMismatchException">The cursor was made for another filter or sort.</exception>
    internal static (string Sql, NpgsqlParameter[] Parameters) PageCommand(SessionFilter filter, SessionSort sort, PaginationOptions page)
    {
        filter.Validate();
        SessionCursor? cursor = page.Cursor is null ? null : SessionCursor.Decode(page.Cursor, filter, sort, CursorStore.Postgres);
        (bool updated, bool descending) = sort switch
        {
            SessionSort.UpdatedDescending => (true, true),
            SessionSort.UpdatedAscending => (true, false),
            SessionSort.CreatedDescending => (false, true),
            SessionSort.CreatedAscending => (false, false),
            _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, null),
        };

        var parameters = new List<NpgsqlParameter>();
        string Add(object value, NpgsqlDbType type)
        {
            parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value });
            return "$" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var where = new List<string> { "s.deleted_at IS NULL" };
        if (filter.States.Count == 1)
        {
            // Equality, not ANY: the (state, updated_at|created_at, id) index then delivers the page in order (an index range).
            where.Add($"s.state = {Add(filter.States.First().ToString(), NpgsqlDbType.Text)}");
        }
        else if (filter.States.Count > 1)
        {
            where.Add($"s.state = ANY({Add(filter.States.Distinct().Select(s => s.ToString()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})");
        }

        AddRange(where, Add, created: true, filter.CreatedFrom, filter.CreatedTo);
        AddRange(where, Add, created: false, filter.UpdatedFrom, filter.UpdatedTo);
        if (!string.IsNullOrEmpty(filter.TitleContains))
        {
            where.Add(TitleFold.PostgresContains("s.title", Add(filter.TitleContains, NpgsqlDbType.Text)));
        }

        string column = updated ? "s.updated_at" : "s.created_at";
        string exact = updated ? "s.hlc" : "(s.document->>'createdAt') COLLATE \"C\"";
        if (cursor is { } c)
        {
            string cmp = descending ? "<" : ">";
            string ts = Add(UtcTimestamp.Format(c.Timestamp), NpgsqlDbType.Text);
            string exactValue = updated ? Add(c.Timestamp.UtcTicks, NpgsqlDbType.Bigint) : ts;
            where.Add($"{column} {cmp}= {ts}::timestamptz AND ({column}, {exact}, s.id COLLATE \"C\") {cmp} ({ts}::timestamptz, {exactValue}, {Add(c.Id.Value, NpgsqlDbType.Text)})");
        }

        string direction = descending ? "DESC" : "ASC";
        var sql = new StringBuilder("""
            SELECT s.id, s.title, s.state, s.version, s.document->>'createdAt', s.hlc, s.origin,
                   (SELECT count(*) FROM session_tasks t WHERE t.session_id = s.id),
                   (SELECT count(*) FROM tool_calls c WHERE c.session_id = s.id),
                   (SELECT w.name FROM workspaces w WHERE w.id = s.origin)
            FROM sessions s WHERE 
            """).AppendJoin(" AND ", where)
            .Append(System.Globalization.CultureInfo.InvariantCulture, $" ORDER BY {column} {direction}, {exact} {direction}, s.id COLLATE \"C\" {direction} LIMIT {Add(page.Limit + 1, NpgsqlDbType.Integer)};");

        return (sql.ToString(), parameters.ToArray());
    }

    /// <summary>A filter bound: the microsecond column bounds the index range, the exact value decides at the edge.</summary>
    private static void AddRange(List<string> where, Func<object, NpgsqlDbType, string> add, bool created, DateTimeOffset? from, DateTimeOffset? to)
    {
        string column = created ? "s.created_at" : "s.updated_at";
        string Exact(DateTimeOffset at) => created
            ? $"(s.document->>'createdAt') COLLATE \"C\" {{0}} {add(UtcTimestamp.Format(at), NpgsqlDbType.Text)}"
            : $"s.hlc {{0}} {add(at.UtcTicks, NpgsqlDbType.Bigint)}";
        if (from is { } f)
        {
            where.Add($"{column} >= ({add(UtcTimestamp.Format(f), NpgsqlDbType.Text)}::timestamptz - interval '1 microsecond') AND " + string.Format(System.Globalization.CultureInfo.InvariantCulture, Exact(f), ">="));
        }

        if (to is { } t)
        {
            where.Add($"{column} <= ({add(UtcTimestamp.Format(t), NpgsqlDbType.Text)}::timestamptz + interval '1 microsecond') AND " + string.Format(System.Globalization.CultureInfo.InvariantCulture, Exact(t), "<"));
        }
    }
}

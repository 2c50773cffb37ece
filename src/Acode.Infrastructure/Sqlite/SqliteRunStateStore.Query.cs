using System.Text;
using Acode.Application.Queries;
using Acode.Application.Serialization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteRunStateStore
{
    /// <inheritdoc/>
    public Task<Page<SessionSummary>> QuerySessionsAsync(SessionFilter filter, SessionSort sort, PaginationOptions page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        SessionCursor? cursor = page.Cursor is null ? null : SessionCursor.Decode(page.Cursor, filter, sort);
        (string column, bool descending) = sort switch
        {
            SessionSort.UpdatedDescending => ("updated_at", true),
            SessionSort.UpdatedAscending => ("updated_at", false),
            SessionSort.CreatedDescending => ("created_at", true),
            SessionSort.CreatedAscending => ("created_at", false),
            _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, null),
        };

        Page<SessionSummary> result = _database.Read((connection, transaction) =>
        {
            var parameters = new List<(string Name, object? Value)>();
            var where = new List<string>();
            if (filter.States.Count > 0)
            {
                var names = new List<string>();
                int i = 0;
                foreach (SessionState state in filter.States.Distinct())
                {
                    names.Add($"$state{i}");
                    parameters.Add(($"$state{i++}", state.ToString()));
                }

                where.Add($"s.state IN ({string.Join(", ", names)})");
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
                // Row-value seek written so SQLite uses the (column, id) index as a range: the same cost at any depth.
                string cmp = descending ? "<" : ">";
                where.Add($"s.{column} {cmp}= $cursor_ts AND (s.{column} {cmp} $cursor_ts OR s.id {cmp} $cursor_id)");
                parameters.Add(("$cursor_ts", UtcTimestamp.Format(c.Timestamp)));
                parameters.Add(("$cursor_id", c.Id.Value));
            }

            string direction = descending ? "DESC" : "ASC";
            var sql = new StringBuilder("""
                SELECT s.id, s.title, s.state, s.version, s.created_at, s.updated_at,
                       (SELECT count(*) FROM session_tasks t WHERE t.session_id = s.id),
                       (SELECT count(*) FROM tool_calls c WHERE c.session_id = s.id)
                FROM sessions s
                """);
            if (where.Count > 0)
            {
                sql.Append(" WHERE ").AppendJoin(" AND ", where);
            }

            sql.Append(" ORDER BY s.").Append(column).Append(' ').Append(direction).Append(", s.id ").Append(direction).Append(" LIMIT $limit;");
            SqliteCommand command = SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, sql.ToString());
            foreach ((string name, object? value) in parameters)
            {
                command.With(name, value);
            }

            command.With("$limit", page.Limit + 1);

            var items = new List<SessionSummary>(page.Limit + 1);
            using (SqliteDataReader r = command.ExecuteReader())
            {
                while (r.Read())
                {
                    items.Add(new SessionSummary(SessionId.Parse(r.GetString(0)), r.GetString(1), Enum.Parse<SessionState>(r.GetString(2)), r.GetInt64(3),
                        UtcTimestamp.Parse(r.GetString(4)), UtcTimestamp.Parse(r.GetString(5)), r.GetInt32(6), r.GetInt32(7)));
                }
            }

            string? next = null;
            if (items.Count > page.Limit)
            {
                items.RemoveAt(items.Count - 1);
                SessionSummary last = items[^1];
                next = SessionCursor.After(filter, sort, column == "updated_at" ? last.UpdatedAt : last.CreatedAt, last.Id).Encode();
            }

            return new Page<SessionSummary>(items, next);
        }, cancellationToken);
        return Task.FromResult(result);
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
}

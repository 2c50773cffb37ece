using System.Text;
using Acode.Application.Queries;
using Acode.Application.Serialization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteRunStateStore
{
    private static readonly (byte[] Name, SessionState State)[] StateNames = [.. Enum.GetValues<SessionState>().Select(s => (Encoding.UTF8.GetBytes(s.ToString()), s))];

    /// <inheritdoc/>
    public Task<Page<SessionSummary>> QuerySessionsAsync(SessionFilter filter, SessionSort sort, PaginationOptions page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        filter.Validate();
        SessionCursor? cursor = page.Cursor is null ? null : SessionCursor.Decode(page.Cursor, filter, sort, CursorStore.Workspace(_database.WorkspaceId));
        (string column, bool descending) = sort switch
        {
            SessionSort.UpdatedDescending => ("updated_at", true),
            SessionSort.UpdatedAscending => ("updated_at", false),
            SessionSort.CreatedDescending => ("created_at", true),
            SessionSort.CreatedAscending => ("created_at", false),
            _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, null),
        };

        Page<SessionSummary> result = _database.Read((connection, _) =>
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
                where.Add(TitleFold.SqliteContains("s.title", "$title"));
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
            // Read through SQLite's own API: a page is 50 rows of 8 columns, and Microsoft.Data.Sqlite's per-column work and the
            // parsing of timestamps and states from strings were most of acode's time above SQLite's (docs/performance.md, Part 6).
            ReaderStatement statement = SqliteWorkspaceDatabase.ReaderNativeStatement(connection, sql.ToString());
            var items = new List<SessionSummary>(page.Limit + 1);
            try
            {
                foreach ((string name, object? value) in parameters)
                {
                    statement.Bind(name, value!);
                }

                statement.Bind("$limit", page.Limit + 1);
                while (statement.Step())
                {
                    items.Add(new SessionSummary(SessionId.Parse(statement.GetString(0)), statement.GetString(1), ParseState(statement.GetUtf8(2)), statement.GetInt64(3),
                        UtcTimestamp.Parse(statement.GetUtf8(4)), UtcTimestamp.Parse(statement.GetUtf8(5)), (int)statement.GetInt64(6), (int)statement.GetInt64(7)));
                }
            }
            finally
            {
                statement.Reset();
            }

            string? next = null;
            if (items.Count > page.Limit)
            {
                items.RemoveAt(items.Count - 1);
                SessionSummary last = items[^1];
                next = SessionCursor.After(filter, sort, column == "updated_at" ? last.UpdatedAt : last.CreatedAt, last.Id, CursorStore.Workspace(_database.WorkspaceId)).Encode();
            }

            return new Page<SessionSummary>(items, next);
        }, cancellationToken);
        return Task.FromResult(result);
    }

    /// <summary><c>Enum.Parse&lt;SessionState&gt;</c> of the column's text, without a string for the names acode writes.</summary>
    private static SessionState ParseState(ReadOnlySpan<byte> utf8)
    {
        foreach ((byte[] name, SessionState state) in StateNames)
        {
            if (utf8.SequenceEqual(name))
            {
                return state;
            }
        }

        return StoredValue.Enum<SessionState>(Encoding.UTF8.GetString(utf8), "sessions.state");
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

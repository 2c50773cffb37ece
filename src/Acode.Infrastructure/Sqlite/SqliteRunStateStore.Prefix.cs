using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

/// <summary>Finding sessions by the start of their id, as people type it (as git accepts short hashes).</summary>
public sealed partial class SqliteRunStateStore
{
    /// <summary>
    /// Up to <paramref name="limit"/> ids of sessions whose id starts with <paramref name="idPrefix"/> (e.g. <c>sess_01JD3Z</c>),
    /// in id order, found by one range scan of the primary-key index (<c>id &gt;= prefix AND id &lt; successor</c>). Reads only.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="idPrefix"/> is empty or ends with the last UTF-16 code unit.</exception>
    public Task<IReadOnlyList<SessionId>> FindSessionIdsByPrefixAsync(string idPrefix, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(idPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        char last = idPrefix[^1];
        if (last == char.MaxValue)
        {
            throw new ArgumentException("The prefix cannot end with U+FFFF.", nameof(idPrefix));
        }

        // Ids are ASCII and compared with SQLite's BINARY collation, so every id with the prefix sorts in [prefix, successor).
        string successor = idPrefix[..^1] + (char)(last + 1);
        IReadOnlyList<SessionId> found = _database.Read((connection, transaction) =>
        {
            SqliteCommand command = SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, "SELECT id FROM sessions WHERE id >= $from AND id < $to ORDER BY id LIMIT $limit;")
                .With("$from", idPrefix).With("$to", successor).With("$limit", limit);
            var ids = new List<SessionId>();
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(SessionId.Parse(reader.GetString(0)));
            }

            return (IReadOnlyList<SessionId>)ids;
        }, cancellationToken);
        return Task.FromResult(found);
    }
}

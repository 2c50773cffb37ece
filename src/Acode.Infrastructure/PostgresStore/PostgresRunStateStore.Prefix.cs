using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>Finding sessions by the start of their id, as people type it (<c>--remote</c>, <c>session pull</c>).</summary>
public sealed partial class PostgresRunStateStore
{
    /// <summary>The length of a whole session id: <c>sess_</c> and 26 ULID characters.</summary>
    private const int WholeIdLength = 31;

    /// <summary>
    /// As the SQLite store's: the live sessions whose id starts with <paramref name="idPrefix"/>, in ordinal id order. The
    /// primary key's index has the database's collation, which need not be <c>C</c>, so a range up to a "successor"
    /// character could miss ids under a language's rules (punctuation after the last character is ignored by some). The
    /// range is instead bounded by two whole ids of the same form, the prefix padded with the smallest and the largest ULID
    /// character (<c>0</c>, <c>Z</c>): ids are all <c>sess_</c> and 26 upper-case Crockford characters, digits before letters,
    /// which every collation orders as their bytes. <c>starts_with</c> then keeps exactly the ids with the prefix.
    /// </summary>
    public async Task<IReadOnlyList<SessionId>> FindSessionIdsByPrefixAsync(string idPrefix, int limit, CancellationToken cancellationToken = default)
        => [.. (await FindAsync(idPrefix, limit, includeDeleted: false, cancellationToken).ConfigureAwait(false)).Select(m => m.Id)];

    /// <summary>
    /// As <see cref="FindSessionIdsByPrefixAsync"/>, but tombstones (sessions deleted in PostgreSQL by a workspace's
    /// <c>session delete</c> and sync, or by <c>db prune --remote</c>) are found too, each marked: a prefix people type
    /// names the session they mean whether or not it was deleted since, so that it can be named as deleted. One query.
    /// </summary>
    internal Task<IReadOnlyList<(SessionId Id, bool Deleted)>> FindSessionIdsByPrefixWithDeletedAsync(string idPrefix, int limit, CancellationToken cancellationToken = default)
        => FindAsync(idPrefix, limit, includeDeleted: true, cancellationToken);

    private Task<IReadOnlyList<(SessionId Id, bool Deleted)>> FindAsync(string idPrefix, int limit, bool includeDeleted, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(idPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        int pad = Math.Max(0, WholeIdLength - idPrefix.Length);
        string from = idPrefix + new string('0', pad);
        string to = idPrefix + new string('Z', pad);
        return ReadAsync<IReadOnlyList<(SessionId Id, bool Deleted)>>(async connection =>
        {
            var command = new NpgsqlCommand(
                includeDeleted
                    ? "SELECT id, deleted_at IS NOT NULL FROM sessions WHERE id >= $1 AND id <= $2 AND starts_with(id, $3) ORDER BY id COLLATE \"C\" LIMIT $4;"
                    : "SELECT id, false FROM sessions WHERE id >= $1 AND id <= $2 AND starts_with(id, $3) AND deleted_at IS NULL ORDER BY id COLLATE \"C\" LIMIT $4;",
                connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = from });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = to });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = idPrefix });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = limit });
                var ids = new List<(SessionId Id, bool Deleted)>();
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (SessionId.TryParse(reader.GetString(0), out SessionId id))
                        {
                            ids.Add((id, reader.GetBoolean(1)));
                        }
                    }
                }

                return ids;
            }
        }, cancellationToken);
    }
}

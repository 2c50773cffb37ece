using System.Buffers.Text;
using System.Text;
using Acode.Application.Serialization;

namespace Acode.Application.Queries;

/// <summary>
/// The position after the last row of a page: the sort, and that row's sort timestamp and id.
/// Encoded as URL-safe base64 of <c>sort|timestamp|id</c>; callers treat it as opaque.
/// </summary>
public readonly record struct SessionCursor(SessionSort Sort, DateTimeOffset Timestamp, SessionId Id)
{
    public string Encode()
        => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{(int)Sort}|{UtcTimestamp.Format(Timestamp)}|{Id}"));

    /// <exception cref="ArgumentException">The cursor is malformed or was made for another sort order.</exception>
    public static SessionCursor Decode(string cursor, SessionSort expectedSort)
    {
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('|');
        }
        catch (FormatException ex)
        {
            throw Invalid(cursor, ex);
        }

        if (parts.Length != 3
            || !int.TryParse(parts[0], out int sort)
            || !UtcTimestamp.TryParse(parts[1], out DateTimeOffset timestamp)
            || !SessionId.TryParse(parts[2], out SessionId id))
        {
            throw Invalid(cursor, null);
        }

        if ((SessionSort)sort != expectedSort)
        {
            throw new ArgumentException($"The cursor was made for sort order {(SessionSort)sort}, not {expectedSort}. Use the same sort for every page, or start again without a cursor.", nameof(cursor));
        }

        return new SessionCursor(expectedSort, timestamp, id);
    }

    private static ArgumentException Invalid(string cursor, Exception? inner)
        => new($"'{cursor}' is not a cursor returned by a previous page. Start again without a cursor.", nameof(cursor), inner);
}

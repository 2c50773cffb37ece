using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Acode.Application.Errors;
using Acode.Application.Serialization;

namespace Acode.Application.Queries;

/// <summary>
/// The position after the last row of a page, bound to the query that printed it: the store (<see cref="CursorStore"/>),
/// the sort, a fingerprint of the filter (<see cref="FilterFingerprint"/>), and the last row's sort timestamp and id.
/// Encoded as URL-safe base64 of <c>4|store|sort|filter|timestamp|id</c>; callers treat it as opaque. The page size is
/// not part of it: keyset pages stay gap- and overlap-free whatever size the next page asks for.
/// </summary>
internal readonly record struct SessionCursor(CursorStore Store, SessionSort Sort, string FilterFingerprint, DateTimeOffset Timestamp, SessionId Id)
{
    private const string Layout = "4";

    /// <summary>The cursor after the row (<paramref name="timestamp"/>, <paramref name="id"/>) of a query with this filter and sort, of the store <paramref name="store"/>.</summary>
    public static SessionCursor After(SessionFilter filter, SessionSort sort, DateTimeOffset timestamp, SessionId id, CursorStore store)
        => new(store, sort, SessionFilterFingerprint.Of(filter), timestamp, id);

    public string Encode()
        => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Layout}|{Store.Code}|{(int)Sort}|{FilterFingerprint}|{UtcTimestamp.Format(Timestamp)}|{Id}"));

    /// <summary>Reads a cursor and checks that it belongs to the query given by <paramref name="filter"/> and <paramref name="expectedSort"/> of the store <paramref name="expectedStore"/>.</summary>
    /// <exception cref="InvalidCursorException">The cursor is not one a store printed (malformed, forged, or from an older acode).</exception>
    /// <exception cref="CursorMismatchException">The cursor was printed by another store, for another sort order or another filter.</exception>
    public static SessionCursor Decode(string cursor, SessionFilter filter, SessionSort expectedSort, CursorStore expectedStore)
    {
        ArgumentNullException.ThrowIfNull(filter);
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('|');
        }
        catch (FormatException ex)
        {
            throw Invalid(cursor, ex);
        }

        if (parts.Length != 6
            || parts[0] != Layout
            || !CursorStore.TryParse(parts[1], out CursorStore store)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int sort)
            || !Enum.IsDefined((SessionSort)sort)
            || parts[3].Length == 0
            || !UtcTimestamp.TryParse(parts[4], out DateTimeOffset timestamp)
            || !SessionId.TryParse(parts[5], out SessionId id))
        {
            throw Invalid(cursor, null);
        }

        if (store != expectedStore)
        {
            throw store.Mismatch(expectedStore);
        }

        if ((SessionSort)sort != expectedSort)
        {
            throw new CursorMismatchException($"The cursor was made for sort order {Spelling((SessionSort)sort)}, not {Spelling(expectedSort)}. Ask for every page with the same sort and filter, or start again without a cursor.");
        }

        if (!string.Equals(parts[3], SessionFilterFingerprint.Of(filter), StringComparison.Ordinal))
        {
            throw new CursorMismatchException("The cursor was made for a different filter (states, created or updated range, or title). Ask for every page with the same filter and sort, or start again without a cursor.");
        }

        return new SessionCursor(store, expectedSort, parts[3], timestamp, id);
    }

    /// <summary>A sort as the user chooses it (<c>session list --sort</c>, the viewer's sort), not the enum's name.</summary>
    private static string Spelling(SessionSort sort) => sort switch
    {
        SessionSort.UpdatedDescending => "updated-desc",
        SessionSort.UpdatedAscending => "updated-asc",
        SessionSort.CreatedDescending => "created-desc",
        SessionSort.CreatedAscending => "created-asc",
        _ => sort.ToString(),
    };

    private static InvalidCursorException Invalid(string cursor, Exception? inner)
        => new($"'{(cursor.Length > 100 ? cursor[..100] + "…" : cursor)}' is not a cursor returned by a previous page. Start again without a cursor.", inner);
}

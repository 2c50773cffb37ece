using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Acode.Application.Errors;
using Acode.Application.Queries;

namespace Acode.Application.Search;

/// <summary>
/// The position after the last hit of a search page: the hit's score (its exact bits), entity id and field, bound to
/// the store (<see cref="CursorStore"/>: scores of the two engines are not comparable, and two workspaces' hits are two
/// listings), the query (<see cref="SearchQuery.Fingerprint"/>) and the filter that printed it. URL-safe base64 of
/// <c>s3|store|query|filter|scoreBits|entityId|field</c>; callers treat it as opaque.
/// </summary>
internal readonly record struct SearchCursor(double Score, string EntityId, string Field)
{
    private const string Layout = "s3";

    public string Encode(SearchQuery query, SessionFilter filter, CursorStore store)
    {
        ArgumentNullException.ThrowIfNull(query);
        long bits = BitConverter.DoubleToInt64Bits(Score);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Layout}|{store.Code}|{query.Fingerprint}|{SessionFilterFingerprint.Of(filter)}|{bits}|{EntityId}|{Field}")));
    }

    /// <summary>Reads a cursor and checks that the store <paramref name="expectedStore"/> printed it for <paramref name="query"/> and <paramref name="filter"/>.</summary>
    /// <exception cref="InvalidCursorException">Not a cursor a search printed.</exception>
    /// <exception cref="CursorMismatchException">Printed by another store, or for another query or filter.</exception>
    public static SearchCursor Decode(string cursor, SearchQuery query, SessionFilter filter, CursorStore expectedStore)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        ArgumentNullException.ThrowIfNull(query);
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('|');
        }
        catch (FormatException ex)
        {
            throw Invalid(cursor, ex);
        }

        if (parts.Length != 7 || parts[0] != Layout
            || !CursorStore.TryParse(parts[1], out CursorStore store)
            || !long.TryParse(parts[4], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long bits)
            || !double.IsFinite(BitConverter.Int64BitsToDouble(bits))
            || !IsName(parts[5]) || !IsName(parts[6]))
        {
            throw Invalid(cursor, null);
        }

        if (store != expectedStore)
        {
            throw store.Mismatch(expectedStore);
        }

        if (parts[2] != query.Fingerprint)
        {
            throw new CursorMismatchException("The cursor was made for a different search query. Ask for every page with the same query and filter, or start again without a cursor.");
        }

        if (parts[3] != SessionFilterFingerprint.Of(filter))
        {
            throw new CursorMismatchException("The cursor was made for a different filter (states, created range, or title). Ask for every page with the same query and filter, or start again without a cursor.");
        }

        return new SearchCursor(BitConverter.Int64BitsToDouble(bits), parts[5], parts[6]);
    }

    // An entity id or field name, both ASCII names acode writes; anything else (a NUL, a control character, a non-ASCII
    // letter) is no cursor of acode's and never reaches a query parameter (SQLite would cut the text at a NUL, PostgreSQL refuse it).
    private static bool IsName(string text)
        => text.Length is > 0 and <= 64 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    private static InvalidCursorException Invalid(string cursor, Exception? inner)
        => new($"'{(cursor.Length > 100 ? cursor[..100] + "…" : cursor)}' is not a cursor returned by a previous page of this search. Start again without a cursor.", inner);
}

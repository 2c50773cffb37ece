using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure;

/// <summary>
/// The case folding of the <c>title</c> filter (<c>session list/search --title</c>, the viewer's title box), the same on
/// both engines and for every letter, not only ASCII: the title and the searched text are both lowered, then one contains
/// the other. Lowering is Unicode's: per character with the invariant culture (<c>É</c>→<c>é</c>, <c>ẞ</c>→<c>ß</c>,
/// <c>Σ</c>→<c>σ</c>), plus the two mappings Unicode's full lowering (which PostgreSQL's ICU applies) adds to it:
/// <c>İ</c> (U+0130) becomes <c>i</c> + U+0307 COMBINING DOT ABOVE, and a final <c>ς</c> is read as <c>σ</c>. No
/// language's rules apply (no Turkish dotless ı, no <c>ß</c> = <c>ss</c>), whatever the machine's or the database's locale.
/// </summary>
/// <remarks>
/// SQLite's <c>lower()</c> lowers only ASCII, so SQLite calls <see cref="Fold"/> as the SQL function
/// <see cref="SqliteFunction"/>, registered on every workspace connection. PostgreSQL's <c>lower()</c> follows the
/// database's locale (none in a <c>C</c> database), so its queries lower with ICU's root locale
/// (<c>COLLATE "und-x-icu"</c>; PostgreSQL built with ICU, as the PGDG packages, the official image and managed
/// services are). The filter is a predicate of the keyset-paged query; paging is unchanged.
/// </remarks>
internal static class TitleFold
{
    /// <summary>The SQLite function: <c>acode_title_fold(text)</c> → the folded text (NULL for NULL).</summary>
    public const string SqliteFunction = "acode_title_fold";

    /// <summary>The folded text, as both engines compare it.</summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.ToLowerInvariant().Replace("\u0130", "i\u0307", StringComparison.Ordinal).Replace('\u03C2', '\u03C3');
    }

    /// <summary>Registers <see cref="SqliteFunction"/> on an open connection.</summary>
    /// <remarks>
    /// A stored title is passed as its bytes (<see cref="SqliteContains"/>): Microsoft.Data.Sqlite reads a function's text
    /// argument NUL-terminated, so a title holding a NUL character would arrive cut there. Its NUL is read as U+FFFD, as
    /// PostgreSQL holds it (<see cref="Sync.PostgresText"/>).
    /// </remarks>
    public static void Register(SqliteConnection connection)
        => connection.CreateFunction<object?, string?>(SqliteFunction, value => value switch
        {
            null => null,
            byte[] utf8 => Fold(System.Text.Encoding.UTF8.GetString(utf8).Replace('\0', '\uFFFD')),
            string text => Fold(text),
            _ => Fold(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
        }, isDeterministic: true);

    /// <summary>
    /// The SQLite condition "<paramref name="titleColumn"/> contains the text of <paramref name="parameter"/>, folded". The
    /// title goes to the function as its bytes, so one holding a NUL character is read whole (see <see cref="Register"/>);
    /// the searched text never holds one (<see cref="Application.Queries.SessionFilter.TitleProblem"/>).
    /// </summary>
    public static string SqliteContains(string titleColumn, string parameter)
        => $"instr({SqliteFunction}(CAST({titleColumn} AS BLOB)), {SqliteFunction}({parameter})) > 0";

    /// <summary>The PostgreSQL condition "<paramref name="titleColumn"/> contains the text of <paramref name="parameter"/>, folded".</summary>
    public static string PostgresContains(string titleColumn, string parameter)
        => $"strpos({PostgresFold(titleColumn)}, {PostgresFold(parameter)}) > 0";

    private static string PostgresFold(string expression) => $"translate(lower(({expression}) COLLATE \"und-x-icu\"), 'ς', 'σ')";
}

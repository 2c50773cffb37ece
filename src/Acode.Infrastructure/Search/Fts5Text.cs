namespace Acode.Infrastructure.Search;

/// <summary>
/// The text SQLite's full-text indexes are given for a stored value (docs/search.md): the value with each NUL
/// (U+0000) replaced by a space. SQLite reads text as a C string in places (<c>substr()</c>, FTS5's <c>snippet()</c>)
/// and would stop at a NUL; a space separates words as the NUL does for the tokenizer, and keeps every character at
/// its offset, so a snippet's offsets still point into the stored text. The stored value keeps its NUL. The search
/// triggers of schema 1.10.0 write <c>search_entries</c> the same way.
/// </summary>
internal static class Fts5Text
{
    /// <summary><paramref name="text"/> with each NUL replaced by a space; the same length, the same string when it holds none.</summary>
    public static string ForIndex(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', ' ') : text;
    }
}

using System.Text.Json;

namespace Acode.Infrastructure.Search;

/// <summary>
/// The JSON escapes that separate words in indexed JSON text (schema 1.12.0, docs/search.md): <c>\n</c>, <c>\r</c>,
/// <c>\t</c>, <c>\b</c> and <c>\f</c>. The tokenizers split at the backslash but not before the escape's letter, so
/// <c>"set -e\nmake"</c> was indexed as <c>nmake</c>; each such escape is replaced by two spaces, keeping every other
/// character at its offset (FTS5's snippets are cut from this text). An escaped backslash is an escape of its own:
/// <c>C:\\new</c> keeps <c>new</c>. The search triggers of 1.12.0 (SQLite) and <c>acode_argument_words</c>
/// (PostgreSQL) do the same in SQL, for tool-call arguments; <see cref="Blobs.BlobSearchText"/> for every blob whose
/// text is JSON.
/// </summary>
internal static class JsonEscapeSeparators
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 1024 };

    /// <summary><paramref name="text"/> with each of those escapes replaced by two spaces; the same string when it holds none.</summary>
    public static string Separate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int first = text.IndexOf('\\', StringComparison.Ordinal);
        if (first < 0)
        {
            return text;
        }

        char[]? separated = null;
        for (int i = first; i < text.Length - 1; i++)
        {
            if (text[i] != '\\')
            {
                continue;
            }

            if (text[i + 1] is 'n' or 'r' or 't' or 'b' or 'f')
            {
                separated ??= text.ToCharArray();
                separated[i] = ' ';
                separated[i + 1] = ' ';
            }

            i++; // the escaped character, a backslash included, is not the start of another escape
        }

        return separated is null ? text : new string(separated);
    }

    /// <summary>
    /// Whether <paramref name="utf8"/> is one JSON value, or when <paramref name="whole"/> is false, the start of one (a
    /// blob's head cut from a longer text).
    /// </summary>
    public static bool IsJson(ReadOnlySpan<byte> utf8, bool whole)
    {
        var reader = new Utf8JsonReader(utf8, whole, new JsonReaderState(Options));
        try
        {
            while (reader.Read())
            {
            }

            return reader.TokenType != JsonTokenType.None || !whole;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

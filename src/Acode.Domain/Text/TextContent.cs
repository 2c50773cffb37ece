namespace Acode.Domain.Text;

/// <summary>
/// Text from tools is arbitrary. NUL characters are kept as they are; ill-formed UTF-16 (a lone surrogate)
/// cannot be stored as UTF-8 and is replaced by U+FFFD here, once, so what the caller holds is exactly
/// what is stored, exported and synced.
/// </summary>
internal static class TextContent
{
    public const char Replacement = '\uFFFD';

    public static bool IsWellFormed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    public static string ToWellFormed(string text)
    {
        if (IsWellFormed(text))
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                char c = source[i];
                if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
                {
                    span[i] = c;
                    span[++i] = source[i];
                }
                else
                {
                    span[i] = char.IsSurrogate(c) ? Replacement : c;
                }
            }
        });
    }

    public static string? ToWellFormedOrNull(string? text) => text is null ? null : ToWellFormed(text);
}

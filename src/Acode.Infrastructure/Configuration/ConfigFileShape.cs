using System.Text;
using System.Text.Json;

namespace Acode.Infrastructure.Configuration;

/// <summary>
/// Says in words why <c>.agent/config.json</c> is not JSON when the reader's own message would be .NET's wording:
/// a file with nothing in it, or one that ends before its JSON is complete (an object or a string not closed).
/// </summary>
internal static class ConfigFileShape
{
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 };

    /// <summary>
    /// "the file is empty …" or "the file ends before its JSON is complete …" when that is the fault found at
    /// <paramref name="line"/> (0-based) and <paramref name="bytePositionInLine"/>; null for any other fault or an unreadable file.
    /// </summary>
    public static string? Describe(string path, long line, long bytePositionInLine)
    {
        if (ReadJson(path) is not { } bytes)
        {
            return null;
        }

        ReadOnlySpan<byte> json = bytes;
        int offset = OffsetOf(json, line, bytePositionInLine);
        if (offset < 0 || !json[offset..].Trim(" \t\r\n"u8).IsEmpty)
        {
            return null; // a fault before the end: the reader's own account, with its line and column
        }

        return HasToken(json)
            ? "the file ends before its JSON is complete (an object, array or string is not closed: the file may have been cut short)"
            : "the file is empty (it holds no JSON, only white space or comments)";
    }

    /// <summary>The file's bytes without a UTF-8 byte order mark, as the JSON reader sees them; null when it cannot be read.</summary>
    internal static byte[]? ReadJson(string path)
    {
        try
        {
            byte[] bytes = File.ReadAllBytes(path);
            return bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="json"/> holds anything but white space and comments before its first fault.</summary>
    private static bool HasToken(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, Options with { CommentHandling = JsonCommentHandling.Allow });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.Comment)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // An empty payload, or a fault before the first value: what came before it says which.
        }

        return reader.TokenType is not (JsonTokenType.None or JsonTokenType.Comment);
    }

    /// <summary>The byte offset of a (0-based line, byte in line) position, or -1 beyond the file.</summary>
    private static int OffsetOf(ReadOnlySpan<byte> json, long line, long bytePositionInLine)
    {
        int start = 0;
        for (long l = 0; l < line; l++)
        {
            int next = json[start..].IndexOf((byte)'\n');
            if (next < 0)
            {
                return -1;
            }

            start += next + 1;
        }

        long offset = start + bytePositionInLine;
        return offset <= json.Length ? (int)offset : -1;
    }
}

using System.Text;
using System.Text.Json;
using Acode.Domain.Text;

namespace Acode.Infrastructure.Configuration;

/// <summary>
/// Finds an escape of an unpaired surrogate (<c>\ud800</c> alone) in <c>.agent/config.json</c>, which the JSON
/// configuration provider cannot read (it throws without a position). Data acode stores reads such an escape as U+FFFD
/// (docs/json-format.md); a setting is refused instead, as every other bad setting is, because a silently changed
/// value (a password) would be a different setting.
/// </summary>
internal static class ConfigFileSurrogates
{
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 };

    /// <summary>Where the file's first such escape is (line, column in bytes, the setting's key) and what to do, in words; null when it has none or cannot be read.</summary>
    public static string? Describe(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        int index = JsonEscapes.IndexOfUnpaired(text);
        if (index < 0)
        {
            return null;
        }

        int lineStart = text.LastIndexOf('\n', Math.Max(index - 1, 0)) + 1;
        int line = text.AsSpan(0, lineStart).Count('\n') + 1;
        int column = Encoding.UTF8.GetByteCount(text.AsSpan(lineStart, index - lineStart)) + 1;
        string? key = KeyAt(JsonEscapes.WellFormed(text), Encoding.UTF8.GetByteCount(text.AsSpan(0, index)));
        return $"line {line}, column {column}{(key is null ? string.Empty : $", key {key}")}: the escape {text.Substring(index, 6)} stands for half of a character (an unpaired UTF-16 surrogate), which no setting can hold. Write the character itself, or both halves of its pair (e.g. \\ud83d\\ude00)";
    }

    /// <summary>The colon-separated key (as the configuration names it) of the name or string value holding byte <paramref name="offset"/>.</summary>
    private static string? KeyAt(string json, long offset)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), Options);
        var containers = new List<string?>();
        string? name = null;
        try
        {
            while (reader.Read())
            {
                bool here = reader.TokenStartIndex <= offset && offset < reader.BytesConsumed;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        name = reader.GetString();
                        if (here)
                        {
                            return Join(containers, name);
                        }

                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        containers.Add(name);
                        name = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        containers.RemoveAt(containers.Count - 1);
                        name = null;
                        break;
                    default:
                        if (here)
                        {
                            return Join(containers, name);
                        }

                        name = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static string? Join(List<string?> containers, string? name)
    {
        string key = string.Join(':', containers.Append(name).OfType<string>());
        return key.Length == 0 || key.Any(char.IsControl) ? null : key;
    }
}

using System.Globalization;
using System.Text.Json;

namespace Acode.Infrastructure.Configuration;

/// <summary>
/// Says where and why <c>.agent/config.json</c>, read as JSON, cannot be a configuration: its top level is not one
/// object, or it gives one key twice (compared as the configuration compares keys, without regard to case and with the
/// sections joined by <c>:</c>). .NET's JSON configuration refuses both with a message of its own, without a line or
/// column and calling the file "not valid JSON", which it is (RFC 8259 §4 only says names SHOULD be unique).
/// </summary>
internal static class ConfigFileStructure
{
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 };

    /// <summary>
    /// <c>it holds a JSON array where …</c>, or <c>line 4, column 5: the key 'persistence:sqlite:busyTimeoutSeconds' is
    /// given a second time …</c>; null when neither is the case or the file cannot be read.
    /// </summary>
    public static string? Describe(string path)
    {
        if (ConfigFileShape.ReadJson(path) is not { } json)
        {
            return null;
        }

        try
        {
            return Describe(json);
        }
        catch (JsonException)
        {
            return null; // not JSON: the reader's own account says where
        }
    }

    private static string? Describe(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, Options);
        if (!reader.Read())
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return $"it holds {Kind(reader.TokenType)} where it must hold one JSON object";
        }

        // The keys the configuration would hold (values, and empty objects or arrays), as .NET flattens the file.
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var containers = new Stack<Container>();
        containers.Push(new Container(null, isArray: false));
        string? property = null;
        long propertyAt = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = reader.GetString();
                    propertyAt = reader.TokenStartIndex;
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    long start = containers.Peek().IsArray ? reader.TokenStartIndex : propertyAt;
                    containers.Push(new Container(KeyOf(containers, ref property), reader.TokenType == JsonTokenType.StartArray) { At = start });
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    Container ended = containers.Pop();
                    if (ended.Items == 0 && ended.Key is not null && !keys.Add(ended.Key))
                    {
                        return Duplicate(json, ended.At, ended.Key);
                    }

                    break;
                default:
                    long at = containers.Peek().IsArray ? reader.TokenStartIndex : propertyAt;
                    string key = KeyOf(containers, ref property);
                    if (!keys.Add(key))
                    {
                        return Duplicate(json, at, key);
                    }

                    break;
            }
        }

        return null;

        static string KeyOf(Stack<Container> open, ref string? name)
        {
            Container parent = open.Peek();
            string segment = parent.IsArray ? parent.Items.ToString(CultureInfo.InvariantCulture) : name ?? string.Empty;
            parent.Items++;
            name = null;
            return parent.Key is null ? segment : parent.Key + ":" + segment;
        }
    }

    private static string Duplicate(ReadOnlySpan<byte> json, long offset, string key)
    {
        ReadOnlySpan<byte> before = json[..(int)offset];
        int line = before.Count((byte)'\n') + 1;
        int column = (int)offset - (before.LastIndexOf((byte)'\n') + 1) + 1;
        return string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}: the key '{key}' is given a second time (keys are compared without regard to case; give each once)");
    }

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "a JSON array",
        JsonTokenType.String => "a JSON string",
        JsonTokenType.Number => "a JSON number",
        JsonTokenType.True or JsonTokenType.False => "a JSON boolean",
        _ => "JSON null",
    };

    /// <summary>An object or array being read: its configuration key (null for the file's object), and how many items it has had.</summary>
    private sealed class Container(string? key, bool isArray)
    {
        public string? Key { get; } = key;

        public bool IsArray { get; } = isArray;

        public int Items { get; set; }

        public long At { get; init; }
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Acode.Domain.Text;
using Acode.Domain.Time;

namespace Acode.Infrastructure.Transcripts;

/// <summary>Tolerant reads of transcript JSON: a missing or mistyped field reads as null, never throws.</summary>
internal static class JsonValues
{
    /// <summary>Parses transcript JSON text, escapes of lone surrogates first made <c>\uFFFD</c> (<see cref="JsonEscapes"/>).</summary>
    /// <exception cref="JsonException">The text is not one JSON value.</exception>
    public static JsonDocument Parse(string json, JsonDocumentOptions options = default)
        => JsonDocument.Parse(JsonEscapes.WellFormed(json), options);

    public static JsonElement? Get(this JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? value : null;

    public static string? Str(this JsonElement element, string name)
        => element.Get(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static bool Bool(this JsonElement element, string name)
        => element.Get(name) is { ValueKind: JsonValueKind.True };

    public static long? Long(this JsonElement element, string name)
        => element.Get(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out long n) ? n : null;

    public static double? Double(this JsonElement element, string name)
        => element.Get(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetDouble(out double n) ? n : null;

    /// <summary>
    /// A time, or null when it does not parse, is more than <see cref="HybridClock.MaxOffset"/> (a day) after this
    /// machine's clock, or is before 1970-01-01T00:00:00Z. A session's stamps follow its lines' times, and a stamp far in
    /// the future would move every later stamp of the workspace, and of the team, past it (it also leaves no room below
    /// <see cref="DateTimeOffset.MaxValue"/> for versions stepping <c>updated_at</c> on by 100 ns). An imported record's id
    /// is a ULID whose first 48 bits are its time in milliseconds since 1970 (https://github.com/ulid/spec), so an earlier
    /// time cannot order the ids it would give.
    /// </summary>
    public static DateTimeOffset? Time(this JsonElement element, string name)
        => element.Str(name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time)
            && time >= DateTimeOffset.UnixEpoch && time - DateTimeOffset.UtcNow <= HybridClock.MaxOffset ? time : null;

    public static IEnumerable<JsonElement> Array(this JsonElement element, string name)
        => element.Get(name) is { ValueKind: JsonValueKind.Array } value ? value.EnumerateArray() : [];

    /// <summary>Text content as agents write it: a string, or an array of blocks whose <c>text</c> parts are joined.</summary>
    public static string Text(JsonElement? content)
    {
        if (content is not { } c)
        {
            return string.Empty;
        }

        if (c.ValueKind == JsonValueKind.String)
        {
            return c.GetString() ?? string.Empty;
        }

        if (c.ValueKind != JsonValueKind.Array)
        {
            return c.GetRawText();
        }

        var builder = new StringBuilder();
        foreach (JsonElement block in c.EnumerateArray())
        {
            string? text = block.ValueKind == JsonValueKind.String ? block.GetString() : block.Str("text");
            if (text is not null)
            {
                if (builder.Length > 0)
                {
                    builder.Append('\n');
                }

                builder.Append(text);
            }
        }

        return builder.ToString();
    }

    /// <summary>The major version of a "1.2.3" version text, or null.</summary>
    public static int? Major(string? version)
        => version is not null && int.TryParse(version.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major) ? major : null;

    /// <summary>Writes a string property, ill-formed UTF-16 (a lone surrogate from a <c>\ud800</c> escape) replaced by U+FFFD.</summary>
    public static void WriteText(this Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, Domain.Text.TextContent.ToWellFormed(value));
        }
    }
}

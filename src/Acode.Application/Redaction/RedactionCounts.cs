using System.Text.Json;

namespace Acode.Application.Redaction;

/// <summary>How many values were redacted, by kind. Never holds a value, only counts.</summary>
public sealed class RedactionCounts
{
    private readonly SortedDictionary<string, long> _byKind = new(StringComparer.Ordinal);

    public long Total { get; private set; }

    public IReadOnlyDictionary<string, long> ByKind => _byKind;

    public void Add(string kind, long count = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        _byKind[kind] = _byKind.GetValueOrDefault(kind) + count;
        Total += count;
    }

    public void Add(RedactionCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach ((string kind, long count) in other._byKind)
        {
            Add(kind, count);
        }
    }

    /// <summary>The payload of a <c>secrets.redacted</c> event: <c>{"count":3,"kinds":{"jwt":1,"url-password":2}}</c>.</summary>
    public string ToEventPayload()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("count", Total);
            writer.WriteStartObject("kinds");
            foreach ((string kind, long count) in _byKind)
            {
                writer.WriteNumber(kind, count);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

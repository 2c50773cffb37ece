using System.Text.Json;

namespace Acode.Application.Redaction;

/// <summary>How many values were redacted, by kind. Never holds a value, only counts.</summary>
public sealed class RedactionCounts
{
    private readonly SortedDictionary<string, long> _byKind = new(StringComparer.Ordinal);

    /// <summary>Values redacted, all kinds together.</summary>
    public long Total { get; private set; }

    /// <summary>Values redacted per rule kind (<c>jwt</c>, <c>url-password</c>, …), in ordinal order of the kind.</summary>
    public IReadOnlyDictionary<string, long> ByKind => _byKind;

    /// <summary>Counts <paramref name="count"/> more values of <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is null or empty.</exception>
    public void Add(string kind, long count = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        _byKind[kind] = _byKind.GetValueOrDefault(kind) + count;
        Total += count;
    }

    /// <summary>Adds every count of <paramref name="other"/> to these.</summary>
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

using System.Text.RegularExpressions;

namespace Acode.Domain.Tests.Ids;

/// <summary>The six typed IDs share one format; each test runs once per ID type, keyed by its prefix.</summary>
public class PrefixedIdTests
{
    private const string ValidUlid = "01JD3Z6Q6V2K8M4N5P7R9S1T3V";

    public static TheoryData<string> Prefixes => new() { "sess", "task", "step", "tc", "art", "evt" };

    public static TheoryData<string, string> MalformedIds
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string prefix in Prefixes)
            {
                string other = prefix == "task" ? "step" : "task";
                data.Add(prefix, "");
                data.Add(prefix, " ");
                data.Add(prefix, ValidUlid);
                data.Add(prefix, $"{other}_{ValidUlid}");
                data.Add(prefix, $"{prefix.ToUpperInvariant()}_{ValidUlid}");
                data.Add(prefix, $"{prefix}{ValidUlid}");
                data.Add(prefix, $"{prefix}-{ValidUlid}");
                data.Add(prefix, $"{prefix}__{ValidUlid[1..]}");
                data.Add(prefix, $"{prefix}_{ValidUlid[..^1]}");
                data.Add(prefix, $"{prefix}_{ValidUlid}0");
                data.Add(prefix, $" {prefix}_{ValidUlid}");
                data.Add(prefix, $"{prefix}_{ValidUlid} ");
                data.Add(prefix, $"{prefix}_{ValidUlid.ToLowerInvariant()}");
                data.Add(prefix, $"{prefix}_01JD3Z6Q6V2K8M4N5P7R9S1T3I");
                data.Add(prefix, $"{prefix}_01JD3Z6Q6V2K8M4N5P7R9S1T3L");
                data.Add(prefix, $"{prefix}_01JD3Z6Q6V2K8M4N5P7R9S1T3O");
                data.Add(prefix, $"{prefix}_01JD3Z6Q6V2K8M4N5P7R9S1T3U");
                data.Add(prefix, $"{prefix}_01JD3Z6Q6V2K8M4N5P7R9S1T3!");
                data.Add(prefix, $"{prefix}_01JD3Z6Q6V2K8M4N5P7R9S1T3\u00C9");
                // A first digit above 7 would need more than 128 bits.
                data.Add(prefix, $"{prefix}_8ZZZZZZZZZZZZZZZZZZZZZZZZZ");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void New_is_the_prefix_an_underscore_and_a_26_character_ulid(string prefix)
    {
        string id = NewId(prefix);

        Assert.Equal(prefix.Length + 1 + 26, id.Length);
        Assert.StartsWith(prefix + "_", id, StringComparison.Ordinal);
        Assert.Matches(new Regex("^[0-7][0-9A-HJKMNP-TV-Z]{25}$"), id[(prefix.Length + 1)..]);
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void New_encodes_the_creation_time_in_the_first_ten_characters(string prefix)
    {
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string id = NewId(prefix);
        long after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        long millis = 0;
        foreach (char c in id.AsSpan(prefix.Length + 1, 10))
        {
            millis = (millis * 32) + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".IndexOf(c, StringComparison.Ordinal);
        }

        Assert.InRange(millis, before, after);
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void New_ids_sort_ordinally_in_creation_order_and_are_unique(string prefix)
    {
        const int Count = 10_000;
        var ids = new string[Count];
        for (int i = 0; i < Count; i++)
        {
            ids[i] = NewId(prefix);
        }

        for (int i = 1; i < Count; i++)
        {
            Assert.True(
                string.CompareOrdinal(ids[i - 1], ids[i]) < 0,
                $"id #{i} ({ids[i]}) does not sort after id #{i - 1} ({ids[i - 1]}).");
        }

        Assert.Equal(Count, ids.ToHashSet(StringComparer.Ordinal).Count);
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void Parse_returns_an_equal_id_for_the_text_of_a_new_id(string prefix)
    {
        string text = NewId(prefix);

        Assert.Equal(text, ParseId(prefix, text));
        Assert.True(TryParseId(prefix, text, out string? parsed));
        Assert.Equal(text, parsed);
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void Parse_accepts_a_well_formed_id_made_elsewhere(string prefix)
    {
        string text = $"{prefix}_{ValidUlid}";

        Assert.Equal(text, ParseId(prefix, text));
    }

    [Theory]
    [MemberData(nameof(MalformedIds))]
    public void Parse_throws_FormatException_for_malformed_text(string prefix, string text)
    {
        var ex = Assert.Throws<FormatException>(() => ParseId(prefix, text));

        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"expected '{prefix}_' followed by a 26-character ULID", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MalformedIds))]
    public void TryParse_returns_false_for_malformed_text(string prefix, string text)
    {
        Assert.False(TryParseId(prefix, text, out string? parsed));
        Assert.Null(parsed);
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void TryParse_returns_false_for_null(string prefix)
    {
        Assert.False(TryParseId(prefix, null, out _));
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void Parse_throws_FormatException_for_null(string prefix)
    {
        Assert.Throws<FormatException>(() => ParseId(prefix, null!));
    }

    [Fact]
    public void Ids_with_the_same_text_are_equal_and_hash_alike()
    {
        SessionId a = SessionId.Parse($"sess_{ValidUlid}");
        SessionId b = SessionId.Parse($"sess_{ValidUlid}");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, SessionId.New());
    }

    [Fact]
    public void ToString_is_the_id_text_and_empty_for_a_default_id()
    {
        Assert.Equal($"tc_{ValidUlid}", ToolCallId.Parse($"tc_{ValidUlid}").ToString());
        Assert.Equal(string.Empty, default(ToolCallId).ToString());
        Assert.Equal(string.Empty, default(SessionId).ToString());
    }

    private static string NewId(string prefix) => prefix switch
    {
        SessionId.Prefix => SessionId.New().Value,
        TaskId.Prefix => TaskId.New().Value,
        StepId.Prefix => StepId.New().Value,
        ToolCallId.Prefix => ToolCallId.New().Value,
        ArtifactId.Prefix => ArtifactId.New().Value,
        EventId.Prefix => EventId.New().Value,
        _ => throw new ArgumentOutOfRangeException(nameof(prefix), prefix, null),
    };

    private static string ParseId(string prefix, string text) => prefix switch
    {
        SessionId.Prefix => SessionId.Parse(text).Value,
        TaskId.Prefix => TaskId.Parse(text).Value,
        StepId.Prefix => StepId.Parse(text).Value,
        ToolCallId.Prefix => ToolCallId.Parse(text).Value,
        ArtifactId.Prefix => ArtifactId.Parse(text).Value,
        EventId.Prefix => EventId.Parse(text).Value,
        _ => throw new ArgumentOutOfRangeException(nameof(prefix), prefix, null),
    };

    private static bool TryParseId(string prefix, string? text, out string? value)
    {
        bool ok;
        switch (prefix)
        {
            case SessionId.Prefix:
                ok = SessionId.TryParse(text, out SessionId s);
                value = s.Value;
                break;
            case TaskId.Prefix:
                ok = TaskId.TryParse(text, out TaskId t);
                value = t.Value;
                break;
            case StepId.Prefix:
                ok = StepId.TryParse(text, out StepId p);
                value = p.Value;
                break;
            case ToolCallId.Prefix:
                ok = ToolCallId.TryParse(text, out ToolCallId c);
                value = c.Value;
                break;
            case ArtifactId.Prefix:
                ok = ArtifactId.TryParse(text, out ArtifactId a);
                value = a.Value;
                break;
            case EventId.Prefix:
                ok = EventId.TryParse(text, out EventId e);
                value = e.Value;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(prefix), prefix, null);
        }

        return ok;
    }
}

using System.Text;
using Acode.Application.Serialization;

namespace Acode.Application.Tests.Serialization;

/// <summary>
/// <see cref="EntityJson.RefusalOf"/> judges a long line by its start: whenever it refuses a prefix, the whole line is
/// refused with that very message (<see cref="EntityJson.Deserialize(ReadOnlySpan{byte})"/>), and bytes text and UTF-16
/// text are read alike.
/// </summary>
public class EntityJsonPrefixTests
{
    private const string Common = "\"schema\":1,\"version\":1,\"createdAt\":\"2026-01-15T10:30:00.1234567Z\",\"updatedAt\":\"2026-01-15T10:30:00.1234567Z\"";

    public static TheoryData<string> Lines => new()
    {
        "hello world",
        "  \tnot json",
        "[1,2,3,x]",
        "[1,2,3]",
        "\"abc\" \"d\"",
        "{\"type\":\"user\",\"message\":\"aaa\"}",
        "{\"type\":\"user\", @@@",
        "{\"id\":\"x\",\"entity\":\"Session\"}",
        "{}",
        "{\"entity\":\"Bogus\",\"x\":@}",
        "{\"entity\":\"Session\"} x",
        "{\"entity\":\"Session\",\"title\":\"a\tb\"}",
        "{\"entity\":\"Session\",\"title\":\"\\q\"}",
        "{\"entity\":\"Session\",\"title\":1,\"goal\":tru}",
        "{\"entity\":\"Session\",\"title\":1,\"goal\":nope and more}",
        "[true, false, nul, 1]",
        "{\"entity\":\"Session\",\"title\":\"t\",\"goal\":\"g\",\"state\":\"Executing\",\"id\":\"sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V\"," + Common + "}",
        "{\"entity\":\"Session\",\"title\":\"t\",\"goal\":\"g\",\"state\":\"Executing\",\"id\":\"sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V\"," + Common + ",",
        "{\"entity\":\"Session\",\"x\":" + new string('[', 70) + new string(']', 70) + "}",
        "{\"a\\u0062\":1,\"entity\":\"Session\"}",
        "{\"\\u0065ntity\":\"Session\",\"title\":\"t\"}",
        "{\"entity\":\"Session\",\"title\":\"x\\ud800y\",\"goal\":@}",
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void A_refused_prefix_is_refused_with_the_message_of_the_whole_line(string line)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(line);
        string? whole = MessageOf(utf8);
        Assert.Equal(whole, MessageOf(line));
        for (int length = 1; length <= utf8.Length; length++)
        {
            if (EntityJson.RefusalOf(utf8.AsSpan(0, length)) is { } refusal)
            {
                Assert.Equal(whole, refusal);
            }
        }
    }

    [Fact]
    public void Text_that_is_not_JSON_and_another_formats_object_are_refused_by_their_first_bytes()
    {
        Assert.Equal(MessageOf("xyz"u8.ToArray()), EntityJson.RefusalOf("x"u8));
        Assert.Equal(MessageOf("{\"type\":\"user\",\"m\":1}"u8.ToArray()), EntityJson.RefusalOf("{\"type\":\"user\",\"m"u8));
        Assert.Null(EntityJson.RefusalOf("{\"entity\":\"Session\",\"title\":\"t"u8));
    }

    private static string? MessageOf(byte[] utf8)
    {
        try
        {
            EntityJson.Deserialize(utf8.AsSpan());
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }

    private static string? MessageOf(string text)
    {
        try
        {
            EntityJson.Deserialize(text);
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }
}

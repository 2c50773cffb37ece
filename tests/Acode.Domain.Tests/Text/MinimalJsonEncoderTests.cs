using System.Text;
using System.Text.Json;
using Acode.Domain.Text;
using Xunit.Abstractions;

namespace Acode.Domain.Tests.Text;

/// <summary>The escaping of the JSON acode writes (payloads, redacted arguments): only what JSON requires.</summary>
public sealed class MinimalJsonEncoderTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("rocket 🚀 done", "\"rocket 🚀 done\"")] // outside the BMP: UnsafeRelaxedJsonEscaping wrote \uD83D\uDE80
    [InlineData("👩‍💻 dev", "\"👩‍💻 dev\"")] // a ZWJ sequence
    [InlineData("ünïcödé ✓ 日本語", "\"ünïcödé ✓ 日本語\"")] // the default encoder escaped all of these
    [InlineData("<b>&'", "\"<b>&'\"")] // pages escape what they show
    [InlineData("a\u2028b", "\"a\u2028b\"")] // legal in JSON
    [InlineData("say \"hi\" \\ there", "\"say \\\"hi\\\" \\\\ there\"")]
    [InlineData("tab\tnew\nline\rback\bfeed\f", "\"tab\\tnew\\nline\\rback\\bfeed\\f\"")]
    [InlineData("nul\0unit\u001f", "\"nul\\u0000unit\\u001F\"")]
    public void Only_quotes_backslashes_and_control_characters_are_escaped(string text, string expected)
    {
        Assert.Equal(expected, MinimalJsonEncoder.Quote(text));
        Assert.Equal(expected, Written(text));
        Assert.Equal(text, JsonSerializer.Deserialize<string>(expected));
    }

    [Theory]
    [InlineData("x", 0xD800, "y")] // (built here: xunit's serializer does not carry a lone surrogate)
    [InlineData("end", 0xDC00, "")]
    public void An_unpaired_surrogate_is_written_as_U_FFFD(string before, int surrogate, string after)
    {
        Assert.Equal(before + "\uFFFD" + after, JsonSerializer.Deserialize<string>(Written(before + (char)surrogate + after)));
    }

    [Fact]
    public void Any_well_formed_text_reads_back_as_written()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("ACODE_TEST_SEED"), out int given) ? given : Environment.TickCount;
        output.WriteLine($"seed {seed} (ACODE_TEST_SEED={seed} repeats it)");
        var random = new Random(seed);
        int[] scalars = [0, 0x1F, '"', '\\', '/', 'a', 0x7F, 0xE9, 0x2028, 0xFFFD, 0x1F680, 0x10FFFF];
        for (int i = 0; i < 500; i++)
        {
            var text = new StringBuilder();
            for (int n = random.Next(0, 20); n > 0; n--)
            {
                int scalar = random.Next(3) == 0 ? scalars[random.Next(scalars.Length)] : random.Next(0x20, 0x10FFFF);
                text.Append(Rune.IsValid(scalar) ? char.ConvertFromUtf32(scalar) : "x");
            }

            string json = Written(text.ToString());
            Assert.Equal(text.ToString(), JsonSerializer.Deserialize<string>(json));
            Assert.DoesNotContain("\\uD", json, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static string Written(string text)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = MinimalJsonEncoder.Instance }))
        {
            writer.WriteStringValue(text);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

using System.Globalization;
using System.Text;
using Acode.Application.Serialization;
using Xunit.Abstractions;

namespace Acode.Application.Tests.Serialization;

public class UtcTimestampTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset _example = new DateTimeOffset(2026, 1, 15, 10, 30, 0, TimeSpan.Zero).AddTicks(1_234_567);

    [Fact]
    public void Format_writes_seven_fractional_digits_and_a_Z()
    {
        Assert.Equal("2026-01-15T10:30:00.1234567Z", UtcTimestamp.Format(_example));
    }

    [Fact]
    public void Format_keeps_trailing_zeros_so_every_stamp_has_the_same_width()
    {
        Assert.Equal("2026-01-15T10:30:00.0000000Z", UtcTimestamp.Format(new DateTimeOffset(2026, 1, 15, 10, 30, 0, TimeSpan.Zero)));
        Assert.Equal("2026-01-15T10:30:00.1000000Z", UtcTimestamp.Format(new DateTimeOffset(2026, 1, 15, 10, 30, 0, 100, TimeSpan.Zero)));
        Assert.Equal("0001-01-01T00:00:00.0000000Z", UtcTimestamp.Format(DateTimeOffset.MinValue));
        Assert.Equal("9999-12-31T23:59:59.9999999Z", UtcTimestamp.Format(DateTimeOffset.MaxValue));
    }

    [Fact]
    public void Format_converts_an_offset_to_UTC()
    {
        DateTimeOffset local = new DateTimeOffset(2026, 1, 15, 12, 30, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567);

        Assert.Equal("2026-01-15T10:30:00.1234567Z", UtcTimestamp.Format(local));
    }

    [Fact]
    public void Format_ignores_the_current_culture()
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            foreach (string name in new[] { "th-TH", "ar-SA", "fa-IR", "de-DE" })
            {
                CultureInfo.CurrentCulture = new CultureInfo(name);
                Assert.Equal("2026-01-15T10:30:00.1234567Z", UtcTimestamp.Format(_example));
                Assert.Equal(_example, UtcTimestamp.Parse("2026-01-15T10:30:00.1234567Z"));
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Format_of_null_is_null()
    {
        Assert.Null(UtcTimestamp.Format((DateTimeOffset?)null));
        Assert.Equal("2026-01-15T10:30:00.1234567Z", UtcTimestamp.Format((DateTimeOffset?)_example));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(638_725_878_001_234_567L)]
    [InlineData(638_725_878_009_999_999L)]
    [InlineData(3_155_378_975_999_999_999L)]
    public void Parse_round_trips_every_tick(long ticks)
    {
        var value = new DateTimeOffset(ticks, TimeSpan.Zero);

        DateTimeOffset parsed = UtcTimestamp.Parse(UtcTimestamp.Format(value));

        Assert.Equal(ticks, parsed.UtcTicks);
        Assert.Equal(TimeSpan.Zero, parsed.Offset);
    }

    [Fact]
    public void Parse_round_trips_random_instants_to_the_tick()
    {
        var random = new Random(11);
        for (int i = 0; i < 10_000; i++)
        {
            long ticks = random.NextInt64(DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks);
            var value = new DateTimeOffset(ticks, TimeSpan.Zero);

            Assert.Equal(ticks, UtcTimestamp.Parse(UtcTimestamp.Format(value)).UtcTicks);
        }
    }

    [Fact]
    public void Text_order_is_time_order()
    {
        var random = new Random(3);
        long start = _example.UtcTicks;
        List<DateTimeOffset> stamps = [];
        for (int i = 0; i < 5_000; i++)
        {
            // Mix tiny and huge gaps so that every field (including the fraction) decides some comparisons.
            long offset = i % 2 == 0 ? random.Next(-50, 50) : random.NextInt64(-TimeSpan.TicksPerDay * 3650, TimeSpan.TicksPerDay * 3650);
            stamps.Add(new DateTimeOffset(start + offset, TimeSpan.Zero));
        }

        List<string> byTime = [.. stamps.OrderBy(s => s.UtcTicks).Select(UtcTimestamp.Format)];
        List<string> byText = [.. stamps.Select(UtcTimestamp.Format).OrderBy(s => s, StringComparer.Ordinal)];

        Assert.Equal(byTime, byText);
    }

    [Theory]
    [InlineData("2026-01-15T10:30:00.123456Z")]
    [InlineData("2026-01-15T10:30:00.12345678Z")]
    [InlineData("2026-01-15T10:30:00.1234567")]
    [InlineData("2026-01-15T10:30:00.1234567+00:00")]
    [InlineData("2026-01-15T10:30:00Z")]
    [InlineData("2026-01-15 10:30:00.1234567Z")]
    [InlineData("2026-1-15T10:30:00.1234567Z")]
    [InlineData("2026-01-15T10:30:00.1234567z")]
    [InlineData("2026-02-30T10:30:00.1234567Z")]
    [InlineData("2026-01-15T24:00:00.0000000Z")]
    [InlineData(" 2026-01-15T10:30:00.1234567Z")]
    [InlineData("")]
    [InlineData("yesterday")]
    public void Parse_throws_FormatException_for_anything_but_the_exact_format(string text)
    {
        var ex = Assert.Throws<FormatException>(() => UtcTimestamp.Parse(text));

        Assert.Contains(UtcTimestamp.Pattern, ex.Message, StringComparison.Ordinal);
        Assert.False(UtcTimestamp.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_returns_false_for_null()
    {
        Assert.False(UtcTimestamp.TryParse(null, out DateTimeOffset value));
        Assert.Equal(default, value);
    }

    [Fact]
    public void TryParse_reads_the_example_from_the_spec()
    {
        Assert.True(UtcTimestamp.TryParse("2026-01-15T10:30:00.1234567Z", out DateTimeOffset value));

        Assert.Equal(_example, value);
        Assert.Equal(_example.UtcTicks, value.UtcTicks);
    }

    [Theory]
    [InlineData("2026-01-15T10:30:00.1234567Z")]
    [InlineData("0001-01-01T00:00:00.0000000Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    [InlineData("2024-02-29T12:00:00.0000001Z")]
    [InlineData("2023-02-29T12:00:00.0000001Z")]
    [InlineData("2100-02-29T12:00:00.0000000Z")]
    [InlineData("2000-02-29T12:00:00.0000000Z")]
    [InlineData("0000-01-01T00:00:00.0000000Z")]
    [InlineData("2026-13-01T00:00:00.0000000Z")]
    [InlineData("2026-00-01T00:00:00.0000000Z")]
    [InlineData("2026-04-31T00:00:00.0000000Z")]
    [InlineData("2026-01-00T00:00:00.0000000Z")]
    [InlineData("2026-01-15T23:60:00.0000000Z")]
    [InlineData("2026-01-15T23:59:60.0000000Z")]
    [InlineData("2026-01-15t10:30:00.1234567Z")]
    [InlineData("2026-01-15T10:30:00,1234567Z")]
    [InlineData("2026-01-15T10:30:00.123456٣Z")]
    [InlineData("2026-01-15T10:30:00.1234567Z\0")]
    [InlineData("2026-01-15T10:30:00.123456")]
    [InlineData("")]
    public void Parse_of_UTF8_text_agrees_with_Parse_of_the_string(string text)
    {
        AssertAgree(text);
    }

    [Fact]
    public void Parse_of_UTF8_text_agrees_with_Parse_of_the_string_for_every_one_character_change()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("ACODE_TEST_SEED"), out int given) ? given : Environment.TickCount;
        output.WriteLine($"seed {seed} (ACODE_TEST_SEED={seed} repeats it)");
        var random = new Random(seed);
        const string Replacements = "0123456789-:.TZtz +/,\0٠٣é€";
        for (int round = 0; round < 300; round++)
        {
            long ticks = random.NextInt64(DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks);
            string stamp = UtcTimestamp.Format(new DateTimeOffset(ticks, TimeSpan.Zero));
            AssertAgree(stamp);
            for (int position = 0; position < stamp.Length; position++)
            {
                char replacement = Replacements[random.Next(Replacements.Length)];
                AssertAgree(string.Concat(stamp.AsSpan(0, position), replacement.ToString(), stamp.AsSpan(position + 1)));
                AssertAgree(stamp.Remove(position, 1));
                AssertAgree(stamp.Insert(position, replacement.ToString()));
            }
        }
    }

    private static void AssertAgree(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        if (UtcTimestamp.TryParse(text, out DateTimeOffset expected))
        {
            DateTimeOffset actual = UtcTimestamp.Parse(utf8);
            Assert.Equal(expected.UtcTicks, actual.UtcTicks);
            Assert.Equal(TimeSpan.Zero, actual.Offset);
        }
        else
        {
            FormatException utf8Error = Assert.Throws<FormatException>(() => UtcTimestamp.Parse(utf8));
            FormatException stringError = Assert.Throws<FormatException>(() => UtcTimestamp.Parse(text));
            Assert.Equal(stringError.Message, utf8Error.Message);
        }
    }
}

using System.Globalization;
using Acode.Application.Serialization;

namespace Acode.Application.Tests.Serialization;

public class UtcTimestampTests
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
}

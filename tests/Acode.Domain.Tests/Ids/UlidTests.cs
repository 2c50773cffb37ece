using Acode.Domain.Tests.Support;

namespace Acode.Domain.Tests.Ids;

public class UlidTests
{
    [Fact]
    public void NewUlid_keeps_creation_order_when_the_clock_goes_backwards()
    {
        string first = Ulid.NewUlid();
        var past = new ManualTimeProvider(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero));

        string second = Ulid.NewUlid(past);
        string third = Ulid.NewUlid(past);

        Assert.True(string.CompareOrdinal(first, second) < 0, $"{second} does not sort after {first}.");
        Assert.True(string.CompareOrdinal(second, third) < 0, $"{third} does not sort after {second}.");
        // The timestamp part never goes back to 2001.
        Assert.True(string.CompareOrdinal(first[..10], second[..10]) <= 0);
    }

    [Fact]
    public void NewUlid_is_valid_and_26_characters()
    {
        string ulid = Ulid.NewUlid();

        Assert.Equal(Ulid.Length, ulid.Length);
        Assert.True(Ulid.IsValid(ulid));
    }

    [Fact]
    public void NewUlid_stays_unique_and_ordered_when_called_from_many_threads()
    {
        const int Threads = 8;
        const int PerThread = 5_000;
        var results = new string[Threads][];

        Parallel.For(0, Threads, t =>
        {
            var mine = new string[PerThread];
            for (int i = 0; i < PerThread; i++)
            {
                mine[i] = Ulid.NewUlid();
            }

            results[t] = mine;
        });

        foreach (string[] mine in results)
        {
            for (int i = 1; i < mine.Length; i++)
            {
                Assert.True(string.CompareOrdinal(mine[i - 1], mine[i]) < 0);
            }
        }

        Assert.Equal(Threads * PerThread, results.SelectMany(r => r).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("01JD3Z6Q6V2K8M4N5P7R9S1T3V", true)]
    [InlineData("7ZZZZZZZZZZZZZZZZZZZZZZZZZ", true)]
    [InlineData("00000000000000000000000000", true)]
    [InlineData("8ZZZZZZZZZZZZZZZZZZZZZZZZZ", false)]
    [InlineData("01jd3z6q6v2k8m4n5p7r9s1t3v", false)]
    [InlineData("01JD3Z6Q6V2K8M4N5P7R9S1T3", false)]
    [InlineData("01JD3Z6Q6V2K8M4N5P7R9S1T3VV", false)]
    [InlineData("01JD3Z6Q6V2K8M4N5P7R9S1T3U", false)]
    [InlineData("", false)]
    public void IsValid_accepts_only_26_upper_case_crockford_digits_that_fit_128_bits(string text, bool expected)
    {
        Assert.Equal(expected, Ulid.IsValid(text));
    }
}

namespace Acode.Infrastructure.Tests;

/// <summary>The <c>updated_at</c> <see cref="ImportedStamp"/> gives an imported version (docs/architecture.md, "Each version its own stamp").</summary>
public class ImportedStampTests
{
    private static readonly DateTimeOffset Stored = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_new_row_keeps_its_stamp()
        => Assert.Equal(Stored.AddYears(-1), ImportedStamp.For(Stored.AddYears(-1), null));

    [Fact]
    public void A_version_stamped_after_the_stored_one_keeps_its_stamp()
        => Assert.Equal(Stored.AddTicks(1), ImportedStamp.For(Stored.AddTicks(1), Stored));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-36_000_000_000)]
    public void A_version_stamped_at_or_before_the_stored_one_is_stamped_one_tick_after_it(long ticks)
        => Assert.Equal(Stored.AddTicks(1), ImportedStamp.For(Stored.AddTicks(ticks), Stored));

    [Fact]
    public void Offsets_do_not_matter_only_the_instant()
    {
        DateTimeOffset sameInstantElsewhere = Stored.ToOffset(TimeSpan.FromHours(5));
        DateTimeOffset stamp = ImportedStamp.For(sameInstantElsewhere, Stored);
        Assert.Equal((Stored.UtcTicks + 1, TimeSpan.Zero), (stamp.UtcTicks, stamp.Offset));
    }
}

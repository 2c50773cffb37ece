using Acode.Infrastructure.Imports;

namespace Acode.Infrastructure.Tests.Imports;

/// <summary>The <c>updated_at</c> <see cref="ImportedStamp"/> gives an imported version (docs/architecture.md, "Each version its own stamp").</summary>
public class ImportedStampTests
{
    private static readonly DateTimeOffset Stored = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static Func<string> Document(string title = "edited") => () => $$"""{"entity":"Session","title":"{{title}}","version":6}""";

    [Fact]
    public void A_new_row_keeps_its_stamp()
        => Assert.Equal(Stored.AddYears(-1), ImportedStamp.For(Stored.AddYears(-1), null, Document()));

    [Fact]
    public void A_version_stamped_after_the_stored_one_keeps_its_stamp_and_its_document_is_not_asked_for()
        => Assert.Equal(Stored.AddTicks(1), ImportedStamp.For(Stored.AddTicks(1), Stored, () => throw new InvalidOperationException("not needed")));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-36_000_000_000)]
    public void A_version_stamped_at_or_before_the_stored_one_is_stamped_within_the_spread_after_it(long ticks)
    {
        long after = ImportedStamp.For(Stored.AddTicks(ticks), Stored, Document()).UtcTicks - Stored.UtcTicks;
        Assert.InRange(after, 1, ImportedStamp.Spread);
    }

    [Fact]
    public void The_same_document_over_the_same_stored_version_gets_the_same_stamp_wherever_it_is_imported()
        => Assert.Equal(ImportedStamp.For(Stored, Stored, Document()), ImportedStamp.For(Stored.AddDays(-1), Stored, Document()));

    [Fact]
    public void Different_documents_over_the_same_stored_version_get_different_stamps()
    {
        DateTimeOffset[] stamps = [.. Enumerable.Range(0, 200).Select(i => ImportedStamp.For(Stored, Stored, Document($"edit {i}")))];
        Assert.Equal(stamps.Length, stamps.Distinct().Count());
    }

    [Fact]
    public void Offsets_do_not_matter_only_the_instant()
    {
        DateTimeOffset sameInstantElsewhere = Stored.ToOffset(TimeSpan.FromHours(5));
        DateTimeOffset stamp = ImportedStamp.For(sameInstantElsewhere, Stored, Document());
        Assert.Equal((ImportedStamp.For(Stored, Stored, Document()).UtcTicks, TimeSpan.Zero), (stamp.UtcTicks, stamp.Offset));
    }
}

using Acode.Infrastructure.Imports;

namespace Acode.Infrastructure.Tests.Imports;

/// <summary>The numbers <see cref="ImportedEventPlacement"/> gives an import's new events (docs/architecture.md, "Event sequence numbers").</summary>
public class ImportedEventPlacementTests
{
    [Fact]
    public void Free_numbers_are_kept_even_below_the_end_of_the_log()
        => Assert.Equal(new long[] { 4, 9 }, ImportedEventPlacement.Place([4, 9], new HashSet<long> { 1, 2, 3, 5 }, lastStored: 5));

    [Fact]
    public void From_the_first_taken_number_on_events_go_after_the_end_of_the_log_in_order()
        => Assert.Equal(new long[] { 2, 8, 9, 10 }, ImportedEventPlacement.Place([2, 3, 4, 5], new HashSet<long> { 3, 7 }, lastStored: 7));

    [Fact]
    public void Two_incoming_events_at_one_number_keep_the_first_at_it_and_move_the_second()
        => Assert.Equal(new long[] { 1, 2, 3 }, ImportedEventPlacement.Place([1, 1, 2], new HashSet<long>(), lastStored: 0));

    [Fact]
    public void A_moved_event_never_goes_below_its_own_number()
    {
        long companion = 5L << 32;
        Assert.Equal(new[] { 4L, companion, companion + 1 }, ImportedEventPlacement.Place([3, companion, companion + 1], new HashSet<long> { 3 }, lastStored: 3));
    }
}

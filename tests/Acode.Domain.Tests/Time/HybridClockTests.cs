using Acode.Domain.Tests.Support;
using Acode.Domain.Time;

namespace Acode.Domain.Tests.Time;

public class HybridClockTests
{
    private static readonly DateTimeOffset _start = new(2026, 1, 15, 10, 30, 0, TimeSpan.Zero);

    private readonly ManualTimeProvider _time = new(_start);
    private readonly HybridClock _clock;

    public HybridClockTests() => _clock = new HybridClock(_time);

    [Fact]
    public void Next_is_the_wall_clock_time_while_the_wall_clock_moves_forward()
    {
        Assert.Equal(_start, _clock.Next());

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(_start.AddSeconds(1), _clock.Next());
    }

    [Fact]
    public void Next_is_strictly_increasing_when_the_wall_clock_stands_still()
    {
        DateTimeOffset first = _clock.Next();
        DateTimeOffset second = _clock.Next();
        DateTimeOffset third = _clock.Next();

        Assert.Equal(_start, first);
        Assert.Equal(_start.AddTicks(1), second);
        Assert.Equal(_start.AddTicks(2), third);
    }

    [Fact]
    public void Next_is_strictly_increasing_when_the_wall_clock_goes_backwards()
    {
        DateTimeOffset before = _clock.Next();
        _time.UtcNow = _start.AddHours(-1);

        DateTimeOffset after = _clock.Next();
        DateTimeOffset later = _clock.Next();

        Assert.True(after > before, $"{after:O} is not after {before:O}.");
        Assert.True(later > after, $"{later:O} is not after {after:O}.");
        Assert.Equal(before.AddTicks(1), after);
    }

    [Fact]
    public void Next_catches_up_with_the_wall_clock_once_it_passes_the_last_stamp()
    {
        _clock.Next();
        _time.UtcNow = _start.AddHours(-1);
        _clock.Next();

        _time.UtcNow = _start.AddMinutes(1);

        Assert.Equal(_start.AddMinutes(1), _clock.Next());
    }

    [Fact]
    public void Next_never_repeats_a_stamp_over_a_long_run_with_a_wandering_wall_clock()
    {
        var random = new Random(7);
        DateTimeOffset previous = DateTimeOffset.MinValue;
        for (int i = 0; i < 10_000; i++)
        {
            _time.UtcNow = _start.AddTicks(random.Next(-1000, 1000));
            DateTimeOffset next = _clock.Next();
            Assert.True(next > previous);
            previous = next;
        }
    }

    [Fact]
    public void Next_after_a_stamp_in_the_future_is_one_tick_past_it()
    {
        DateTimeOffset after = _start.AddDays(1);

        Assert.Equal(after.AddTicks(1), _clock.Next(after));
    }

    [Fact]
    public void Next_after_a_stamp_in_the_past_is_the_wall_clock_time()
    {
        Assert.Equal(_start, _clock.Next(_start.AddSeconds(-5)));
    }

    [Fact]
    public void Next_after_a_stamp_equal_to_now_is_one_tick_later()
    {
        Assert.Equal(_start.AddTicks(1), _clock.Next(_start));
    }

    [Fact]
    public void Next_after_a_stamp_with_an_offset_compares_the_instant()
    {
        var after = new DateTimeOffset(2026, 1, 15, 12, 30, 0, TimeSpan.FromHours(2)).AddTicks(5);

        DateTimeOffset next = _clock.Next(after);

        Assert.Equal(_start.AddTicks(6), next);
        Assert.Equal(TimeSpan.Zero, next.Offset);
    }

    [Fact]
    public void Next_stays_ahead_of_an_earlier_stamp_given_for_another_entity()
    {
        _clock.Next(_start.AddDays(1));

        Assert.True(_clock.Next(_start) > _start.AddDays(1));
    }

    [Fact]
    public void Observe_moves_the_clock_past_a_remote_stamp()
    {
        DateTimeOffset remote = _start.AddMinutes(10);

        _clock.Observe(remote);

        Assert.Equal(remote.AddTicks(1), _clock.Next());
    }

    [Fact]
    public void Observe_of_an_older_stamp_does_not_move_the_clock_back()
    {
        _clock.Next();
        _clock.Next();

        _clock.Observe(_start.AddDays(-1));

        Assert.Equal(_start.AddTicks(2), _clock.Next());
    }

    [Fact]
    public void Next_returns_UTC_stamps()
    {
        _time.UtcNow = new DateTimeOffset(2026, 1, 15, 12, 30, 0, TimeSpan.FromHours(2));

        DateTimeOffset next = _clock.Next();

        Assert.Equal(TimeSpan.Zero, next.Offset);
        Assert.Equal(_start, next);
    }

    [Fact]
    public void Next_gives_unique_stamps_to_concurrent_callers()
    {
        const int Threads = 8;
        const int PerThread = 10_000;
        var stamps = new long[Threads * PerThread];

        Parallel.For(0, Threads, t =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                stamps[(t * PerThread) + i] = _clock.Next().UtcTicks;
            }
        });

        Assert.Equal(stamps.Length, stamps.Distinct().Count());
    }

    [Fact]
    public void TimeProvider_is_the_system_clock_unless_one_is_given()
    {
        Assert.Same(TimeProvider.System, new HybridClock().TimeProvider);
        Assert.Same(_time, _clock.TimeProvider);
    }
}

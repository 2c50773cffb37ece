namespace Acode.Domain.Time;

/// <summary>
/// A hybrid logical clock: wall time that never runs backwards in this process, and never gives an entity
/// a stamp at or before one it already has. Stamps are UTC ticks (100 ns).
/// </summary>
public sealed class HybridClock
{
    /// <summary>
    /// How far ahead of this machine's clock a time from elsewhere (an export or transcript being imported) may be: one
    /// day, far beyond any real clock skew. A later one is refused or read as absent, because a hybrid logical clock
    /// that observes a stamp moves past it for good: every later change of the workspace, and through PostgreSQL of
    /// the team, would be stamped after it (the bounded offset ε of Kulkarni et al., "Logical Physical Clocks", 2014).
    /// </summary>
    public static readonly TimeSpan MaxOffset = TimeSpan.FromDays(1);

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _lastTicks;

    /// <summary>A clock reading wall time from <paramref name="time"/> (<see cref="System.TimeProvider.System"/> when null).</summary>
    public HybridClock(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Where wall time is read.</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>The next stamp: now, or one tick past <paramref name="after"/> and past every stamp given before.</summary>
    public DateTimeOffset Next(DateTimeOffset after = default)
    {
        long now = _time.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            long ticks = Math.Max(now, Math.Max(_lastTicks + 1, after.UtcTicks + 1));
            _lastTicks = ticks;
            return new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>Moves the clock past a stamp seen elsewhere (another process or machine), so later stamps sort after it.</summary>
    public void Observe(DateTimeOffset seen)
    {
        lock (_gate)
        {
            _lastTicks = Math.Max(_lastTicks, seen.UtcTicks);
        }
    }
}

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>A clock the test moves by hand (no timers: only for code that reads the time).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

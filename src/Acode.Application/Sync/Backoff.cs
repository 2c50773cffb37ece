namespace Acode.Application.Sync;

/// <summary>The retry schedule of a failed outbox record (AC-040): 5 s, 10 s, 20 s, 40 s … doubling, capped at 3600 s.</summary>
internal static class Backoff
{
    /// <param name="attempts">Failed attempts so far (1 after the first failure).</param>
    /// <param name="baseDelay">The first delay (default 5 s).</param>
    /// <param name="cap">The longest delay (default 3600 s).</param>
    public static TimeSpan Delay(int attempts, TimeSpan baseDelay, TimeSpan cap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        int doublings = Math.Min(attempts - 1, 30);
        double seconds = baseDelay.TotalSeconds * Math.Pow(2, doublings);
        return seconds >= cap.TotalSeconds ? cap : TimeSpan.FromSeconds(seconds);
    }
}

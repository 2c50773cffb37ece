using System.Globalization;
using Acode.Application.Errors;

namespace Acode.Application.Sync;

/// <summary>How the outbox is delivered (configuration section <c>persistence:sync</c>).</summary>
public sealed class SyncOptions
{
    public const int DefaultBatchSize = 500;
    public const int DefaultPollIntervalSeconds = 5;
    public const int DefaultLeaseSeconds = 60;
    public const int DefaultMaxAttempts = 10;
    public const int DefaultBaseBackoffSeconds = 5;
    public const int DefaultMaxBackoffSeconds = 3600;
    public const int DefaultMaxClockSkewSeconds = 300;

    /// <summary>Records per PostgreSQL transaction. Default 500; 1 to 10000.</summary>
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>Seconds the worker sleeps when nothing woke it (saves of other processes are seen this late at most). Default 5; 1 to 3600.</summary>
    public int PollIntervalSeconds { get; set; } = DefaultPollIntervalSeconds;

    /// <summary>Seconds a claimed record stays leased to its process; a crashed process's records return after it. Default 60; 5 to 3600.</summary>
    public int LeaseSeconds { get; set; } = DefaultLeaseSeconds;

    /// <summary>Failed attempts after which a record is dead-lettered. Default 10; 1 to 100.</summary>
    public int MaxAttempts { get; set; } = DefaultMaxAttempts;

    /// <summary>First retry delay in seconds; it doubles per attempt. Default 5.</summary>
    public int BaseBackoffSeconds { get; set; } = DefaultBaseBackoffSeconds;

    /// <summary>Longest retry delay in seconds. Default 3600.</summary>
    public int MaxBackoffSeconds { get; set; } = DefaultMaxBackoffSeconds;

    /// <summary>A PostgreSQL timestamp further than this in the future is flagged and not adopted by the clock. Default 300.</summary>
    public int MaxClockSkewSeconds { get; set; } = DefaultMaxClockSkewSeconds;

    public TimeSpan PollInterval => TimeSpan.FromSeconds(PollIntervalSeconds);

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    public TimeSpan BaseBackoff => TimeSpan.FromSeconds(BaseBackoffSeconds);

    public TimeSpan MaxBackoff => TimeSpan.FromSeconds(MaxBackoffSeconds);

    public TimeSpan MaxClockSkew => TimeSpan.FromSeconds(MaxClockSkewSeconds);

    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the first invalid key.</exception>
    public void Validate(string section = "persistence:sync")
    {
        Check(section, "batchSize", BatchSize, 1, 10_000);
        Check(section, "pollIntervalSeconds", PollIntervalSeconds, 1, 3600);
        Check(section, "leaseSeconds", LeaseSeconds, 5, 3600);
        Check(section, "maxAttempts", MaxAttempts, 1, 100);
        Check(section, "baseBackoffSeconds", BaseBackoffSeconds, 1, 3600);
        Check(section, "maxBackoffSeconds", MaxBackoffSeconds, BaseBackoffSeconds, 86_400);
        Check(section, "maxClockSkewSeconds", MaxClockSkewSeconds, 1, 86_400);
    }

    private static void Check(string section, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            throw AcodeErrors.InvalidConfiguration($"{section}:{key}", value.ToString(CultureInfo.InvariantCulture), $"a whole number from {min} to {max}");
        }
    }
}

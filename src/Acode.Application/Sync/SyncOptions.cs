using System.Globalization;
using Acode.Application.Errors;

namespace Acode.Application.Sync;

/// <summary>How the outbox is delivered to PostgreSQL (configuration section <c>persistence:sync</c>).</summary>
public sealed class SyncOptions
{
    public const int DefaultBatchSize = 500;
    public const int DefaultMaxBatchBytes = 16 * 1024 * 1024;
    public const int DefaultPollIntervalSeconds = 5;
    public const int DefaultLeaseSeconds = 60;
    public const int DefaultMaxAttempts = 10;
    public const int DefaultBaseBackoffSeconds = 5;
    public const int DefaultMaxBackoffSeconds = 3600;
    public const int DefaultMaxClockSkewSeconds = 300;

    /// <summary>Most outbox records pushed in one PostgreSQL transaction. Default 500; 1 to 10000.</summary>
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>
    /// Most payload bytes (the records' JSON, UTF-8) pushed in one PostgreSQL transaction: a batch ends at
    /// <see cref="BatchSize"/> records or at this many bytes, whichever comes first; a single record larger than this
    /// goes alone. Bounds the sync's memory and keeps every message far below PostgreSQL's 1 GB limit.
    /// Default 16777216 (16 MiB); 65536 (64 KiB) to 268435456 (256 MiB).
    /// </summary>
    public int MaxBatchBytes { get; set; } = DefaultMaxBatchBytes;

    /// <summary>Seconds the sync worker sleeps when nobody woke it (another process's saves are seen this late at most). Default 5; 1 to 3600.</summary>
    public int PollIntervalSeconds { get; set; } = DefaultPollIntervalSeconds;

    /// <summary>
    /// Seconds a claimed outbox record stays reserved for the process working on it; when the lease expires
    /// (the process crashed) the record returns to the queue (AC-042). Default 60; 5 to 3600, and longer than
    /// <c>persistence:postgres:commandTimeoutSeconds</c>.
    /// </summary>
    public int LeaseSeconds { get; set; } = DefaultLeaseSeconds;

    /// <summary>Failed attempts after which a record is dead-lettered (AC-041). Outages do not count. Default 10; 1 to 1000.</summary>
    public int MaxAttempts { get; set; } = DefaultMaxAttempts;

    /// <summary>Seconds before the first retry; each further retry waits twice as long (AC-040). Default 5; 1 to 3600.</summary>
    public int BaseBackoffSeconds { get; set; } = DefaultBaseBackoffSeconds;

    /// <summary>Cap of the retry delay, in seconds (AC-040). Default 3600; from <see cref="BaseBackoffSeconds"/> to 86400.</summary>
    public int MaxBackoffSeconds { get; set; } = DefaultMaxBackoffSeconds;

    /// <summary>A timestamp in PostgreSQL further than this many seconds in the future is flagged and not adopted by the clock. Default 300; 1 to 86400.</summary>
    public int MaxClockSkewSeconds { get; set; } = DefaultMaxClockSkewSeconds;

    public TimeSpan PollInterval => TimeSpan.FromSeconds(PollIntervalSeconds);

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    public TimeSpan BaseBackoff => TimeSpan.FromSeconds(BaseBackoffSeconds);

    public TimeSpan MaxBackoff => TimeSpan.FromSeconds(MaxBackoffSeconds);

    public TimeSpan MaxClockSkew => TimeSpan.FromSeconds(MaxClockSkewSeconds);

    /// <summary>Checks every value and their combinations.</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the first invalid key and its accepted values.</exception>
    public void Validate(string section = "persistence:sync")
    {
        Check(section, "batchSize", BatchSize, 1, 10000, "a whole number of records from 1 to 10000 (default 500)");
        Check(section, "maxBatchBytes", MaxBatchBytes, 65536, 268435456, "a whole number of bytes from 65536 (64 KiB) to 268435456 (256 MiB) (default 16777216, 16 MiB)");
        Check(section, "pollIntervalSeconds", PollIntervalSeconds, 1, 3600, "a whole number of seconds from 1 to 3600 (default 5)");
        Check(section, "leaseSeconds", LeaseSeconds, 5, 3600, "a whole number of seconds from 5 to 3600 (default 60)");
        Check(section, "maxAttempts", MaxAttempts, 1, 1000, "a whole number of attempts from 1 to 1000 (default 10)");
        Check(section, "baseBackoffSeconds", BaseBackoffSeconds, 1, 3600, "a whole number of seconds from 1 to 3600 (default 5)");
        Check(section, "maxBackoffSeconds", MaxBackoffSeconds, 1, 86400, "a whole number of seconds from 1 to 86400 (default 3600)");
        Check(section, "maxClockSkewSeconds", MaxClockSkewSeconds, 1, 86400, "a whole number of seconds from 1 to 86400 (default 300)");
        if (MaxBackoffSeconds < BaseBackoffSeconds)
        {
            throw AcodeErrors.InvalidConfiguration($"{section}:maxBackoffSeconds", Text(MaxBackoffSeconds), $"a whole number of seconds from {section}:baseBackoffSeconds ({Text(BaseBackoffSeconds)}) to 86400 (default 3600)");
        }
    }

    private static void Check(string section, string key, int value, int min, int max, string accepted)
    {
        if (value < min || value > max)
        {
            throw AcodeErrors.InvalidConfiguration($"{section}:{key}", Text(value), accepted);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

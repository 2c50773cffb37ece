using System.Globalization;
using Acode.Application.Errors;
using Acode.Application.Options;

namespace Acode.Application.Sync;

/// <summary>How the outbox is delivered to PostgreSQL (configuration section <c>persistence:sync</c>).</summary>
public sealed class SyncOptions
{
    /// <summary>Default of <see cref="BatchSize"/>: 500 records.</summary>
    public const int DefaultBatchSize = 500;
    /// <summary>Default of <see cref="MaxBatchBytes"/>: 16 MiB.</summary>
    public const int DefaultMaxBatchBytes = 16 * 1024 * 1024;
    /// <summary>Default of <see cref="PollIntervalSeconds"/>: 5 seconds.</summary>
    public const int DefaultPollIntervalSeconds = 5;
    /// <summary>Default of <see cref="LeaseSeconds"/>: 60 seconds.</summary>
    public const int DefaultLeaseSeconds = 60;
    /// <summary>Default of <see cref="MaxAttempts"/>: 10 attempts.</summary>
    public const int DefaultMaxAttempts = 10;
    /// <summary>Default of <see cref="BaseBackoffSeconds"/>: 5 seconds.</summary>
    public const int DefaultBaseBackoffSeconds = 5;
    /// <summary>Default of <see cref="MaxBackoffSeconds"/>: 3600 seconds.</summary>
    public const int DefaultMaxBackoffSeconds = 3600;
    /// <summary>Default of <see cref="MaxClockSkewSeconds"/>: 300 seconds.</summary>
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

    /// <summary>Most characters (Unicode scalar values, as PostgreSQL's <c>char_length</c> counts them) of <see cref="WorkspaceName"/>.</summary>
    public const int MaxWorkspaceNameLength = 200;

    /// <summary>
    /// The name this workspace shows under in PostgreSQL (<c>workspaces.name</c>, docs/postgres.md), e.g. a person's name.
    /// Null or blank: the host name and the workspace folder's name, <c>host/folder</c>. At most 200 characters, no control characters.
    /// </summary>
    public string? WorkspaceName { get; set; }

    /// <summary><see cref="PollIntervalSeconds"/> as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan PollInterval => TimeSpan.FromSeconds(PollIntervalSeconds);

    /// <summary><see cref="LeaseSeconds"/> as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    /// <summary><see cref="BaseBackoffSeconds"/> as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan BaseBackoff => TimeSpan.FromSeconds(BaseBackoffSeconds);

    /// <summary><see cref="MaxBackoffSeconds"/> as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan MaxBackoff => TimeSpan.FromSeconds(MaxBackoffSeconds);

    /// <summary><see cref="MaxClockSkewSeconds"/> as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan MaxClockSkew => TimeSpan.FromSeconds(MaxClockSkewSeconds);

    /// <summary>The declarations of this section's settings: key, range, default, meaning (README table, binding, <see cref="Validate"/>).</summary>
    internal static IReadOnlyList<OptionDescriptor> Descriptors { get; } =
    [
        Section.Integer("batchSize", "records", DefaultBatchSize, 1, 10000, o => o.BatchSize, (o, v) => o.BatchSize = (int)v,
            "outbox records per PostgreSQL transaction"),
        Section.Integer("maxBatchBytes", "bytes", DefaultMaxBatchBytes, 65536, 268435456, o => o.MaxBatchBytes, (o, v) => o.MaxBatchBytes = (int)v,
            "outbox payload bytes per PostgreSQL transaction; a larger record goes alone (PostgreSQL refuses a message over 1 GB)"),
        Section.Integer("pollIntervalSeconds", "seconds", DefaultPollIntervalSeconds, 1, 3600, o => o.PollIntervalSeconds, (o, v) => o.PollIntervalSeconds = (int)v,
            "sync worker sleep when idle (another process's saves are seen this late at most)"),
        Section.Integer("leaseSeconds", "seconds", DefaultLeaseSeconds, 5, 3600, o => o.LeaseSeconds, (o, v) => o.LeaseSeconds = (int)v,
            "how long a claimed record stays reserved for its process", "more than persistence:postgres:commandTimeoutSeconds"),
        Section.Integer("maxAttempts", "attempts", DefaultMaxAttempts, 1, 1000, o => o.MaxAttempts, (o, v) => o.MaxAttempts = (int)v,
            "failed attempts before a record is dead-lettered; outages do not count"),
        Section.Integer("baseBackoffSeconds", "seconds", DefaultBaseBackoffSeconds, 1, 3600, o => o.BaseBackoffSeconds, (o, v) => o.BaseBackoffSeconds = (int)v,
            "retry delay after the first failure; it doubles with each further failure"),
        Section.Integer("maxBackoffSeconds", "seconds", DefaultMaxBackoffSeconds, 1, 86400, o => o.MaxBackoffSeconds, (o, v) => o.MaxBackoffSeconds = (int)v,
            "cap of the retry delay", "at least persistence:sync:baseBackoffSeconds"),
        Section.Integer("maxClockSkewSeconds", "seconds", DefaultMaxClockSkewSeconds, 1, 86400, o => o.MaxClockSkewSeconds, (o, v) => o.MaxClockSkewSeconds = (int)v,
            "a PostgreSQL timestamp further ahead than this is logged and not adopted by the clock"),
        Section.Text("workspaceName", "free text, at most 200 characters", o => o.WorkspaceName, (o, v) => o.WorkspaceName = v,
            "the name this workspace shows under in PostgreSQL (`workspaces.name`); default: host name and workspace folder name, `host/folder`"),
    ];

    private static OptionSection<SyncOptions> Section => new("persistence:sync");

    /// <summary>Checks every value against its declaration in <see cref="Descriptors"/>, then their combinations.</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the first invalid key and its accepted values.</exception>
    public void Validate()
    {
        foreach (OptionDescriptor descriptor in Descriptors)
        {
            descriptor.Check(this);
        }

        if (MaxBackoffSeconds < BaseBackoffSeconds)
        {
            throw AcodeErrors.InvalidConfiguration($"{Section.Path}:maxBackoffSeconds", Text(MaxBackoffSeconds), $"a whole number of seconds from {Section.Path}:baseBackoffSeconds ({Text(BaseBackoffSeconds)}) to 86400 (default 3600)");
        }

        // Characters are Unicode scalar values, as PostgreSQL's char_length counts them: an emoji is one, not two UTF-16 units.
        int length = WorkspaceName?.EnumerateRunes().Count() ?? 0;
        if (WorkspaceName is { } name && (length > MaxWorkspaceNameLength || name.Any(char.IsControl)))
        {
            string shown = length > MaxWorkspaceNameLength
                ? $"{string.Concat(name.EnumerateRunes().Take(20))}... ({Text(length)} characters)"
                : string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
            throw AcodeErrors.InvalidConfiguration($"{Section.Path}:workspaceName", shown,
                $"free text of at most {Text(MaxWorkspaceNameLength)} characters without control characters (default: host/folder)");
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

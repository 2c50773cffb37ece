using Acode.Application.Errors;

namespace Acode.Application.Options;

/// <summary>Settings of the local SQLite store (configuration section <c>persistence:sqlite</c>).</summary>
public sealed class SqliteOptions
{
    /// <summary>Default of <see cref="BusyTimeoutSeconds"/>: 30 seconds.</summary>
    public const int DefaultBusyTimeoutSeconds = 30;
    /// <summary>Default of <see cref="OutboxRetentionDays"/>: 7 days.</summary>
    public const int DefaultOutboxRetentionDays = 7;
    /// <summary>Default of <see cref="WalSizeLimitMegabytes"/>: 16 MiB.</summary>
    public const int DefaultWalSizeLimitMegabytes = 16;

    /// <summary>Seconds a writer waits for the write lock before failing with ACODE-DB-005. Default 30; 1 to 3600.</summary>
    public int BusyTimeoutSeconds { get; set; } = DefaultBusyTimeoutSeconds;

    /// <summary>Durability of commits; default <see cref="SqliteSynchronous.Full"/>.</summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>Days a synced outbox record is kept before pruning. Default 7; 0 prunes at once.</summary>
    public int OutboxRetentionDays { get; set; } = DefaultOutboxRetentionDays;

    /// <summary>
    /// Bound on the <c>-wal</c> file in MiB. Default 16; 1 to 4096. SQLite truncates the WAL to it when it starts the log
    /// over (<c>journal_size_limit</c>); a writer that finds the WAL above it after a commit tries a checkpoint that empties
    /// it (never waiting for a reader); <c>acode db check</c> reports a WAL still above it, and what holds it.
    /// </summary>
    public int WalSizeLimitMegabytes { get; set; } = DefaultWalSizeLimitMegabytes;

    /// <summary><see cref="WalSizeLimitMegabytes"/> in bytes.</summary>
    public long WalSizeLimitBytes => WalSizeLimitMegabytes * 1024L * 1024L;

    /// <summary>The declarations of this section's settings: key, range, default, meaning (README table, binding, <see cref="Validate"/>).</summary>
    internal static IReadOnlyList<OptionDescriptor> Descriptors { get; } =
    [
        Section.Integer("busyTimeoutSeconds", "seconds", DefaultBusyTimeoutSeconds, 1, 3600, o => o.BusyTimeoutSeconds, (o, v) => o.BusyTimeoutSeconds = (int)v,
            "how long a writer waits for the write lock before ACODE-DB-005"),
        Section.Choice("synchronous", SqliteSynchronous.Full, o => o.Synchronous, (o, v) => o.Synchronous = v,
            "`Full`: a save that returned survives power loss (one WAL fsync per commit). `Normal`: survives a crash of the process, the last commits may be lost on power loss; several times faster per save. `Extra`: as `Full` in WAL mode."),
        Section.Integer("outboxRetentionDays", "days", DefaultOutboxRetentionDays, 0, 3650, o => o.OutboxRetentionDays, (o, v) => o.OutboxRetentionDays = (int)v,
            "how long synced outbox records are kept; 0 prunes them at once"),
        Section.Integer("walSizeLimitMegabytes", "MiB", DefaultWalSizeLimitMegabytes, 1, 4096, o => o.WalSizeLimitMegabytes, (o, v) => o.WalSizeLimitMegabytes = (int)v,
            "bound on the `-wal` file: SQLite truncates the WAL to it when the log starts over, and a writer that finds it above the bound after a commit checkpoints it (never waiting for a reader); `acode db check` reports a WAL still above it and what holds it"),
    ];

    /// <summary><see cref="BusyTimeoutSeconds"/> as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan BusyTimeout => TimeSpan.FromSeconds(BusyTimeoutSeconds);

    private static OptionSection<SqliteOptions> Section => new("persistence:sqlite");

    /// <summary>Checks every value against its declaration in <see cref="Descriptors"/>.</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the first invalid key.</exception>
    public void Validate()
    {
        foreach (OptionDescriptor descriptor in Descriptors)
        {
            descriptor.Check(this);
        }
    }
}

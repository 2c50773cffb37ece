using Acode.Application.Errors;

namespace Acode.Application.Options;

/// <summary>Settings of the local SQLite store (configuration section <c>persistence:sqlite</c>).</summary>
public sealed class SqliteOptions
{
    public const int DefaultBusyTimeoutSeconds = 30;
    public const int DefaultOutboxRetentionDays = 7;
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

    public TimeSpan BusyTimeout => TimeSpan.FromSeconds(BusyTimeoutSeconds);

    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the first invalid key.</exception>
    public void Validate(string section = "persistence:sqlite")
    {
        if (BusyTimeoutSeconds is < 1 or > 3600)
        {
            throw AcodeErrors.InvalidConfiguration($"{section}:busyTimeoutSeconds", BusyTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "a whole number of seconds from 1 to 3600 (default 30)");
        }

        if (!Enum.IsDefined(Synchronous))
        {
            throw AcodeErrors.InvalidConfiguration($"{section}:synchronous", Synchronous.ToString(), "Normal, Full (default) or Extra");
        }

        if (OutboxRetentionDays is < 0 or > 3650)
        {
            throw AcodeErrors.InvalidConfiguration($"{section}:outboxRetentionDays", OutboxRetentionDays.ToString(System.Globalization.CultureInfo.InvariantCulture), "a whole number of days from 0 to 3650 (default 7)");
        }

        if (WalSizeLimitMegabytes is < 1 or > 4096)
        {
            throw AcodeErrors.InvalidConfiguration($"{section}:walSizeLimitMegabytes", WalSizeLimitMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture), "a whole number of MiB from 1 to 4096 (default 16)");
        }
    }
}

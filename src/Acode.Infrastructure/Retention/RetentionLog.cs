using Microsoft.Extensions.Logging;

namespace Acode.Infrastructure.Retention;

/// <summary>The retention worker's log messages (event ids 3001…), source-generated.</summary>
internal static partial class RetentionLog
{
    [LoggerMessage(3001, LogLevel.Information, "Retention removed {Count} session(s) last changed before {Cutoff}; {Kept} kept for undelivered changes; {Freed} bytes given back")]
    public static partial void Pruned(ILogger logger, int count, string cutoff, int kept, long freed);

    [LoggerMessage(3002, LogLevel.Warning, "Retention could not run and will try again in an hour: {Reason}")]
    public static partial void Failed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(3003, LogLevel.Information, "Retention: {Note}")]
    public static partial void Note(ILogger logger, string note);
}

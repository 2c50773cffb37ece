using Microsoft.Extensions.Logging;

namespace Acode.Infrastructure;

/// <summary>Every log message of the infrastructure, source-generated. Messages never carry connection strings or passwords.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Applied migration {Migration} (checksum {Checksum})")]
    public static partial void MigrationApplied(ILogger logger, string migration, string checksum);

    [LoggerMessage(1002, LogLevel.Error, "Migration {Migration} failed and was rolled back")]
    public static partial void MigrationFailed(ILogger logger, string migration, Exception exception);

    [LoggerMessage(1101, LogLevel.Information, "Applied PostgreSQL migration {Migration} (checksum {Checksum}) to {Target}")]
    public static partial void PostgresMigrationApplied(ILogger logger, string migration, string checksum, string target);

    [LoggerMessage(1102, LogLevel.Error, "PostgreSQL migration {Migration} failed on {Target} and was rolled back")]
    public static partial void PostgresMigrationFailed(ILogger logger, string migration, string target, Exception exception);

    [LoggerMessage(1003, LogLevel.Debug, "Opened workspace database {Path} (workspace {WorkspaceId})")]
    public static partial void DatabaseOpened(ILogger logger, string path, string workspaceId);

    [LoggerMessage(1004, LogLevel.Debug, "Saved {Count} change(s) of session {SessionId}")]
    public static partial void Saved(ILogger logger, int count, string sessionId);

    [LoggerMessage(1005, LogLevel.Information, "Deleted session {SessionId}")]
    public static partial void SessionDeleted(ILogger logger, string sessionId);
}

using Microsoft.Extensions.Logging;

namespace Acode.Infrastructure;

/// <summary>
/// Every log message of the infrastructure, source-generated. Messages never carry connection strings or passwords.
/// Levels: per-record and per-command lines are Debug; Information is kept for what happens once per run, migration or
/// deletion, so a host at the default level logs a handful of lines per sync, not one per record.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Applied migration {Migration} (checksum {Checksum})")]
    public static partial void MigrationApplied(ILogger logger, string migration, string checksum);

    // Failures the caller is told about (ACODE-DB-003, with the native exception inside) are logged without a stack
    // trace: they are expected errors, and a console log must not bury the message that says what to do.
    [LoggerMessage(1002, LogLevel.Error, "Migration {Migration} failed and was rolled back: {Reason}")]
    public static partial void MigrationFailed(ILogger logger, string migration, string reason);

    [LoggerMessage(1101, LogLevel.Information, "Applied PostgreSQL migration {Migration} (checksum {Checksum}) to {Target}")]
    public static partial void PostgresMigrationApplied(ILogger logger, string migration, string checksum, string target);

    [LoggerMessage(1102, LogLevel.Error, "PostgreSQL migration {Migration} failed on {Target} and was rolled back: {Reason}")]
    public static partial void PostgresMigrationFailed(ILogger logger, string migration, string target, string reason);

    [LoggerMessage(1201, LogLevel.Warning, "{Warning}")]
    public static partial void ConfigurationWarning(ILogger logger, string warning);

    [LoggerMessage(1003, LogLevel.Debug, "Opened workspace database {Path} (workspace {WorkspaceId})")]
    public static partial void DatabaseOpened(ILogger logger, string path, string workspaceId);

    [LoggerMessage(1010, LogLevel.Information, "Migrated workspace database {Path} from schema {From} to {To} ({Applied} migration(s)); acode versions that know only {From} can no longer open it")]
    public static partial void DatabaseMigratedOnOpen(ILogger logger, string path, string from, string to, int applied);

    [LoggerMessage(1009, LogLevel.Debug, "Opened workspace database {Path} read-only ({Access}): this process may not write it (workspace {WorkspaceId})")]
    public static partial void DatabaseOpenedReadOnly(ILogger logger, string path, Acode.Infrastructure.Sqlite.WorkspaceAccess access, string workspaceId);

    [LoggerMessage(1004, LogLevel.Debug, "Saved {Count} change(s) of session {SessionId}")]
    public static partial void Saved(ILogger logger, int count, string sessionId);

    // The count and kinds only: a redacted value is never logged (docs/secrets.md).
    [LoggerMessage(1050, LogLevel.Information, "Redacted {Count} secret(s) of session {SessionId} before storing them ({Kinds})")]
    public static partial void SecretsRedacted(ILogger logger, long count, string sessionId, string kinds);

    [LoggerMessage(1005, LogLevel.Information, "Deleted session {SessionId}")]
    public static partial void SessionDeleted(ILogger logger, string sessionId);

    [LoggerMessage(1006, LogLevel.Warning, "The WAL of {Path} is {WalMegabytes} MiB, above its bound of {LimitMegabytes} MiB, and a checkpoint could not reset it: a read transaction, most likely in another process, holds it ({LogFrames} frames, {CheckpointedFrames} copied). It shrinks once that transaction ends; 'acode db check' reports it")]
    public static partial void WalHeld(ILogger logger, string path, long walMegabytes, long limitMegabytes, long logFrames, long checkpointedFrames);

    [LoggerMessage(1007, LogLevel.Information, "The WAL of {Path} was {WalMegabytes} MiB, above its bound of {LimitMegabytes} MiB; a checkpoint reset it")]
    public static partial void WalReset(ILogger logger, string path, long walMegabytes, long limitMegabytes);

    [LoggerMessage(1008, LogLevel.Warning, "Could not checkpoint the WAL of {Path}; the next commit tries again")]
    public static partial void WalCheckpointFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(2001, LogLevel.Debug, "Applied {IdempotencyKey} ({Outcome})")]
    public static partial void Applied(ILogger logger, string idempotencyKey, string outcome);

    [LoggerMessage(2002, LogLevel.Debug, "Duplicate {IdempotencyKey}: already applied, not applied again")]
    public static partial void Duplicate(ILogger logger, string idempotencyKey);

    [LoggerMessage(2003, LogLevel.Warning, "Conflict on {EntityType} {EntityId}: {IncomingOrigin} vs {ExistingOrigin}, {Winner} version wins; both kept in sync_conflicts")]
    public static partial void Conflict(ILogger logger, string entityType, string entityId, string incomingOrigin, string existingOrigin, string winner);

    [LoggerMessage(2004, LogLevel.Warning, "Outbox record {OutboxId} ({IdempotencyKey}) failed (attempt {Attempt}); next attempt at {NextAttempt}: {Error}")]
    public static partial void RecordFailed(ILogger logger, long outboxId, string idempotencyKey, int attempt, string nextAttempt, string error);

    [LoggerMessage(2005, LogLevel.Error, "Outbox record {OutboxId} ({IdempotencyKey}) dead-lettered after {Attempt} attempts: {Error}. Requeue it with 'acode db sync retry {OutboxId}'")]
    public static partial void DeadLettered(ILogger logger, long outboxId, string idempotencyKey, int attempt, string error);

    [LoggerMessage(2040, LogLevel.Debug, "Could not read when session {SessionId} was deleted in PostgreSQL, for the sync summary: {Error}")]
    public static partial void DeletedSessionUnread(ILogger logger, string sessionId, string error);

    [LoggerMessage(2041, LogLevel.Debug, "Could not read which changes of this workspace lost conflicts since its last sync, for the sync summary: {Error}")]
    public static partial void LostSinceUnread(ILogger logger, string error);

    [LoggerMessage(2006, LogLevel.Warning, "Sync paused: {Reason}. No attempts were counted; it resumes when PostgreSQL answers")]
    public static partial void SyncPaused(ILogger logger, string reason);

    [LoggerMessage(2022, LogLevel.Warning, "The sync's bookkeeping after delivery failed: {What}: {Reason}. Nothing was lost; the next sync records it")]
    public static partial void BookkeepingFailed(ILogger logger, string what, string reason);

    [LoggerMessage(2021, LogLevel.Information, "Nothing to deliver; the workspace's row in PostgreSQL was not refreshed: {Reason}")]
    public static partial void RegistrationSkipped(ILogger logger, string reason);

    [LoggerMessage(2020, LogLevel.Warning, "The connection to PostgreSQL was lost during a batch of {Count} record(s), but the server answers: retrying them one by one ({Error})")]
    public static partial void ConnectionLostMidBatch(ILogger logger, int count, string error);

    [LoggerMessage(2007, LogLevel.Warning, "PostgreSQL holds a timestamp {Ahead} ahead of this machine's clock (entity stamps up to {RemoteHlc} ticks); not adopting it. Check the clocks of the team's machines")]
    public static partial void FutureTimestamp(ILogger logger, TimeSpan ahead, long remoteHlc);

    [LoggerMessage(2008, LogLevel.Information, "Sync handled {Handled} record(s): {Applied} applied, {Duplicates} duplicate(s), {Superseded} superseded in their batch, {NotApplied} not applied (PostgreSQL already newer or their session deleted), {Conflicts} conflict(s) ({ConflictsLost} lost), {Retried} to retry, {DeadLettered} dead-lettered")]
    public static partial void SyncRun(
        ILogger logger, long handled, long applied, long duplicates, long superseded, long notApplied, long conflicts, long conflictsLost, long retried, long deadLettered);

    [LoggerMessage(2009, LogLevel.Error, "Sync worker error; retrying in {Delay}")]
    public static partial void WorkerError(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(2013, LogLevel.Error, "The sync stopped and does not retry: {Code}: {Reason}. {Hint} Changes wait in the outbox; the sync resumes when the host is restarted after that")]
    public static partial void SyncStopped(ILogger logger, string code, string reason, string hint);

    [LoggerMessage(2010, LogLevel.Information, "Pruned {Count} delivered outbox record(s) older than {RetentionDays} day(s)")]
    public static partial void OutboxPruned(ILogger logger, int count, int retentionDays);

    [LoggerMessage(2011, LogLevel.Warning, "PostgreSQL at {Target} had no acode schema although this workspace delivered changes before; the schema was created. To refill it, run 'acode db sync retry --processed' ({Retained} delivered record(s) are still retained locally)")]
    public static partial void SchemaRecreated(ILogger logger, string target, long retained);

    [LoggerMessage(2014, LogLevel.Information, "Migrated PostgreSQL at {Target} from schema {From} to {To} ({Applied} migration(s)) before syncing; acode versions that know only {From} are refused there from now on (ACODE-DB-004)")]
    public static partial void PostgresMigrated(ILogger logger, string target, string from, string to, int applied);

    [LoggerMessage(2012, LogLevel.Warning, "PostgreSQL at {Target} has no record of this workspace although it delivered changes before: another database, or one restored from before its first sync. To refill it, run 'acode db sync retry --processed' ({Retained} delivered record(s) are still retained locally)")]
    public static partial void TargetForgotWorkspace(ILogger logger, string target, long retained);

    [LoggerMessage(2015, LogLevel.Warning, "PostgreSQL at {Target} lacked {Requeued} record(s) this workspace delivered since it first synced there (delivered to another database meanwhile, or this one restored from an older backup); they were put back in the queue and are delivered again")]
    public static partial void DeliveredElsewhere(ILogger logger, string target, int requeued);

    [LoggerMessage(2030, LogLevel.Information, "Pruned {Count} idempotency key(s) from PostgreSQL's sync_applied (applied before the retention horizon and superseded)")]
    public static partial void SyncAppliedPruned(ILogger logger, long count);

    [LoggerMessage(2031, LogLevel.Warning, "Pruning PostgreSQL's sync_applied failed; the next sync retries in an hour: {Reason}")]
    public static partial void SyncAppliedPruneFailed(ILogger logger, string reason);
}

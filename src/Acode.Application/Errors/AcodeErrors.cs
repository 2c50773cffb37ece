namespace Acode.Application.Errors;

/// <summary>Every user-facing persistence error message, in one place. Each says what happened and what to do next.</summary>
internal static class AcodeErrors
{
    public static AcodeDbException CannotOpen(string path, string reason, Exception? inner = null) => new(
        AcodeErrorCode.CannotOpen,
        $"Cannot open or create the workspace database '{path}': {reason}",
        "Check that the folder exists and that you may write to it (and to '.agent/' inside it), or choose another workspace with --workspace or ACODE_WORKSPACE.",
        inner);

    /// <summary>
    /// ACODE-DB-001 when a folder on the way to the workspace database (the workspace folder, its <c>.agent/</c>, or one
    /// above) may not be entered by this user: the file was never reached, so whether it exists cannot be told.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="folder">The first folder this user may not enter.</param>
    /// <param name="permissions">Its permissions as <c>ls -l</c> shows them (<c>rwx------</c>), or null.</param>
    /// <param name="inner">The native exception.</param>
    public static AcodeDbException FolderNotEnterable(string path, string folder, string? permissions, Exception? inner = null) => new(
        AcodeErrorCode.CannotOpen,
        $"Cannot open the workspace database '{path}': this user ({Environment.UserName}) may not enter the folder '{folder}'{(permissions is null ? "" : $" (its permissions are {permissions})")}, so the database cannot be reached.",
        $"Run the command as a user who may enter it (the workspace's owner), or have its owner let this user in (e.g. chmod o+x '{folder}', or a group you share); a user who may enter and read the workspace but not write it can still read it (sessions, db status, acode ui).",
        inner);

    /// <summary>
    /// ACODE-DB-001 for a process that keeps the workspace database open (<c>acode ui</c>) when the file at its path was
    /// removed or replaced by another since it was opened: what the process still holds open is no longer the workspace's
    /// database, so nothing more is read from it.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="what">What happened to it: "removed" or "replaced by another file".</param>
    public static AcodeDbException WorkspaceDatabaseReplaced(string path, string what) => new(
        AcodeErrorCode.CannotOpen,
        $"The workspace database '{path}' was {what} after this process opened it, so what it still holds open is no longer that workspace's database; nothing more is read from it.",
        "Restart it to read what is at that path now: stop 'acode ui' with Ctrl+C and run it again (the new run prints a new address). If the file was removed by mistake, restore it from a backup first.");

    /// <summary>What a user who may only read a workspace can still do there, for the hints of the read-only errors.</summary>
    private const string ReadingWorks = "Reading works as it is: 'acode session list/show/search/export', 'acode db status', 'acode db check' and 'acode ui'.";

    /// <summary>
    /// ACODE-DB-001 for a command that writes (save, import, delete, prune, sync, migrate, …) in a workspace whose database this
    /// process opened read-only, because it may not write the file or its folder. Nothing was changed.
    /// </summary>
    /// <param name="path">The database file.</param>
    public static AcodeDbException ReadOnlyWorkspace(string path) => new(
        AcodeErrorCode.CannotOpen,
        $"The workspace database '{path}' is read-only to this user ({Environment.UserName}): it was opened for reading only, and this command writes to it. Nothing was changed.",
        "Run the command as a user who may write '.agent/' and its files (the workspace's owner), or copy the workspace to a folder you may write and run it there. " + ReadingWorks);

    /// <summary>
    /// ACODE-DB-001 for a read-only workspace database whose <c>-wal</c> holds committed changes that could only be read
    /// through a <c>-shm</c> this process cannot create: opening the file alone would silently miss them.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="walBytes">The size of its <c>-wal</c> file in bytes.</param>
    public static AcodeDbException ReadOnlyWorkspaceWithWal(string path, long walBytes) => new(
        AcodeErrorCode.CannotOpen,
        $"The workspace database '{path}' is read-only to this user ({Environment.UserName}), and the workspace has changes in its write-ahead log ('{path}-wal', {walBytes} bytes) that are not in the database file yet; reading them needs its shared-memory file '{path}-shm', which is missing, and acode creates no file in a workspace this user may not write. Reading the file alone would silently miss them, so nothing was read or changed.",
        "Only someone who can write the folder can fold them into the database file: run any acode command there as its owner (e.g. 'acode db status'), then read again. Or copy the folder, -wal included, to one you may write and read the copy.");

    /// <summary>ACODE-DB-001 for a read-only workspace database at an older schema than this program reads: it cannot be migrated by this user.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="current">The schema version the database is at, e.g. <c>1.6.0</c>.</param>
    /// <param name="pending">The versions this program would apply, in order, e.g. <c>1.7.0</c>.</param>
    public static AcodeDbException ReadOnlyWorkspaceNeedsMigration(string path, string current, IReadOnlyList<string> pending) => new(
        AcodeErrorCode.CannotOpen,
        $"The workspace database '{path}' is at schema version {current} and this acode reads version {pending[^1]} (pending: {string.Join(", ", pending)}); it is read-only to this user ({Environment.UserName}), so it cannot be migrated here and was not changed.",
        $"Run 'acode db migrate' in that workspace as a user who may write '.agent/' and its files (the workspace's owner), then read again; or read it with an acode of the matching version (one whose newest schema is {current}), or copy the workspace to a folder you may write and use the copy. Until it is migrated this acode reads none of it ('acode db migrate --dry-run' lists the pending migrations).");

    /// <summary>
    /// ACODE-DB-001 for a command that writes in a workspace whose database this process opened read-only because the file
    /// system holding it is mounted read-only (EROFS): no user may write it there, so the fix is a remount or a copy.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="mountPoint">Where that file system is mounted, or null when unknown.</param>
    public static AcodeDbException ReadOnlyMount(string path, string? mountPoint) => new(
        AcodeErrorCode.CannotOpen,
        $"The workspace database '{path}' is on a file system mounted read-only{MountedAt(mountPoint)}: it was opened for reading only, and this command writes to it. Nothing was changed.",
        $"Remount it read-write ({Remount(mountPoint)}) and run the command again, or copy the workspace to a folder on a writable file system and run it there. " + ReadingWorks);

    /// <summary>
    /// ACODE-DB-001 for a workspace database on a read-only mount whose <c>-wal</c> holds committed changes that could only
    /// be read through a <c>-shm</c> nobody can create there: opening the file alone would silently miss them.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="walBytes">The size of its <c>-wal</c> file in bytes.</param>
    /// <param name="mountPoint">Where that file system is mounted, or null when unknown.</param>
    public static AcodeDbException ReadOnlyMountWithWal(string path, long walBytes, string? mountPoint) => new(
        AcodeErrorCode.CannotOpen,
        $"The workspace database '{path}' is on a file system mounted read-only{MountedAt(mountPoint)}, and the workspace has changes in its write-ahead log ('{path}-wal', {walBytes} bytes) that are not in the database file yet; reading them needs its shared-memory file '{path}-shm', which is missing and cannot be created on a read-only file system. Reading the file alone would silently miss them, so nothing was read or changed.",
        $"Remount it read-write ({Remount(mountPoint)}) and run any acode command there (e.g. 'acode db status'), which folds them into the database file; or copy the folder, -wal included, to a writable file system and read the copy.");

    /// <summary>ACODE-DB-001 for a workspace database on a read-only mount at an older schema than this program reads: it cannot be migrated there.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="current">The schema version the database is at, e.g. <c>1.6.0</c>.</param>
    /// <param name="pending">The versions this program would apply, in order, e.g. <c>1.7.0</c>.</param>
    /// <param name="mountPoint">Where that file system is mounted, or null when unknown.</param>
    public static AcodeDbException ReadOnlyMountNeedsMigration(string path, string current, IReadOnlyList<string> pending, string? mountPoint) => new(
        AcodeErrorCode.CannotOpen,
        $"The workspace database '{path}' is at schema version {current} and this acode reads version {pending[^1]} (pending: {string.Join(", ", pending)}); it is on a file system mounted read-only{MountedAt(mountPoint)}, so it cannot be migrated here and was not changed.",
        $"Remount it read-write ({Remount(mountPoint)}) and run 'acode db migrate' in that workspace, then read again; or read it with an acode of the matching version (one whose newest schema is {current}), or copy the workspace to a folder on a writable file system and use the copy. Until it is migrated this acode reads none of it ('acode db migrate --dry-run' lists the pending migrations).");

    /// <summary>
    /// ACODE-DB-001 for a workspace that cannot be created (its <c>.agent/</c> folder or database file) because the file
    /// system that would hold it is mounted read-only: no user may create it there, so the fix is a remount or another folder.
    /// </summary>
    /// <param name="path">The database file that was to be created.</param>
    /// <param name="mountPoint">Where that file system is mounted, or null when unknown.</param>
    /// <param name="inner">The file system's error.</param>
    public static AcodeDbException CannotCreateOnReadOnlyMount(string path, string? mountPoint, Exception? inner = null) => new(
        AcodeErrorCode.CannotOpen,
        $"Cannot create the workspace database '{path}': the file system that would hold it is mounted read-only{MountedAt(mountPoint)}, so no workspace can be created there. Nothing was written.",
        $"Remount it read-write ({Remount(mountPoint)}) and run the command again, or run acode in a folder on a writable file system (--workspace or ACODE_WORKSPACE).",
        inner);

    /// <summary>" at '/mnt/backup'" for a known mount point, else nothing.</summary>
    private static string MountedAt(string? mountPoint) => mountPoint is null ? "" : $" at '{mountPoint}'";

    /// <summary>The command that remounts it, as root; with a placeholder (and how to find it) when the mount point is unknown.</summary>
    private static string Remount(string? mountPoint) => mountPoint is null
        ? "as root: 'mount -o remount,rw <mount point>'; 'findmnt -T <folder>' names the mount point"
        : $"as root: 'mount -o remount,rw {(mountPoint.Contains(' ', StringComparison.Ordinal) ? $"\"{mountPoint}\"" : mountPoint)}'";

    /// <summary>
    /// ACODE-DB-001 for a write of the workspace database (its file, <c>-wal</c> or <c>-shm</c>) that failed because the
    /// disk is full (SQLITE_FULL, or an SQLITE_IOERR_* caused by ENOSPC). The database was open and is sound: every
    /// acknowledged save is in it; the write that failed was rolled back.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="free">The free space on its file system, in words (e.g. <c>0 bytes</c>), or null when unknown.</param>
    /// <param name="detail">What could not be written, in words, e.g. <c>SQLite could not grow the shared-memory file -shm (SQLITE_IOERR_SHMSIZE)</c>.</param>
    /// <param name="inner">The native exception.</param>
    public static AcodeDbException DiskFull(string path, string? free, string detail, Exception? inner = null) => new(
        AcodeErrorCode.CannotOpen,
        $"The disk holding the workspace database '{path}' is full" + (free is null ? "" : $" ({free} free)") + $": {detail}. Everything already saved is intact; the write that failed was rolled back.",
        "Free at least a few MiB on that disk (delete or move large files; 'df -h' shows what is free), then run the command again: acode then writes the WAL back into the database file by itself, and 'acode db check' reports the free space. Or choose a workspace on another disk with --workspace or ACODE_WORKSPACE.",
        inner);

    public static AcodeDbException NotAnAcodeDatabase(string path, string reason, Exception? inner = null) => new(
        AcodeErrorCode.NotAnAcodeDatabase,
        $"'{path}' is not a usable acode workspace database: {reason}. The file was left untouched.",
        "If it is damaged, restore it from a backup, first moving away any '-wal' and '-shm' file beside it (SQLite would write a log left beside it into the restored file); if it belongs to another program, move it away. acode creates a new database when the file does not exist.",
        inner);

    /// <summary>
    /// ACODE-DB-002 for a database file that is missing while its write-ahead log (<c>-wal</c>) holds content: changes of a
    /// database that was moved or deleted, which SQLite would discard if a new database were created in its place
    /// (https://www.sqlite.org/wal.html: the WAL belongs to its database file). Nothing is created.
    /// </summary>
    /// <param name="path">Where the database file belongs.</param>
    /// <param name="walBytes">The size of the <c>-wal</c> file, in bytes.</param>
    public static AcodeDbException WalWithoutDatabase(string path, long walBytes) => new(
        AcodeErrorCode.NotAnAcodeDatabase,
        $"The workspace database '{path}' does not exist, but its write-ahead log '{path}-wal' ({walBytes} bytes) does: it holds changes of a database file that was moved or deleted. Nothing was created, and the log was left untouched.",
        $"Put the database file back next to its log (moved, or from a backup) and run the command again: the changes are then read. If they are not needed, move '{path}-wal' (and '{path}-shm') away; acode then creates a new database.");

    /// <summary>
    /// ACODE-DB-002 for a row whose pages are sound but which holds a value acode never writes (a state that is none of
    /// the states, an id or time in no form acode writes): damaged, or edited by another program. Nothing is changed.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="reason">What was read, naming the column where known.</param>
    /// <param name="inner">The reading fault.</param>
    public static AcodeDbException UnreadableValue(string path, string reason, Exception? inner = null) => new(
        AcodeErrorCode.NotAnAcodeDatabase,
        $"The workspace database '{path}' holds a value acode cannot read: {reason.TrimEnd('.')}. The row was damaged or changed by another program; the file was left untouched.",
        "Run 'acode db check' to list the rows holding such values; restore the database from a backup, or read the sessions from the team's PostgreSQL with --remote if they were synced.",
        inner);

    /// <summary>
    /// ACODE-DB-002 for a document in PostgreSQL that holds a value acode never writes (changed by hand, or damaged): the
    /// session cannot be read from there. Nothing is changed; a workspace that synced the session holds its own copy.
    /// </summary>
    /// <param name="redactedTarget">The server as <c>postgresql://user@host:port/database</c>, never with the password.</param>
    /// <param name="sessionId">The session being read.</param>
    /// <param name="reason">What was read, naming the column where known.</param>
    /// <param name="inner">The reading fault.</param>
    public static AcodeDbException UnreadablePostgresValue(string redactedTarget, string sessionId, string reason, Exception? inner = null) => new(
        AcodeErrorCode.NotAnAcodeDatabase,
        $"PostgreSQL at {redactedTarget} holds a value acode cannot read in session {sessionId}: {reason.TrimEnd('.')}. It was changed by another program or damaged; nothing was changed.",
        $"A workspace that synced this session still holds it: read it there, without --remote ('acode session show {sessionId}'). Otherwise restore the PostgreSQL database from a backup.",
        inner);

    /// <summary>A blob of large content (docs/storage.md) is missing or does not decode: the rows naming it cannot be read.</summary>
    public static AcodeDbException DamagedBlob(string path, string hash, string reason, Exception? inner = null) => new(
        AcodeErrorCode.NotAnAcodeDatabase,
        $"The workspace database '{path}' holds a damaged blob of large content ({(hash.Length > 12 ? hash[..12] : hash)}): {reason.TrimEnd('.')}. The file was left untouched.",
        "Run 'acode db check' to list the damaged blobs and the sessions they belong to; restore the database from a backup, or read those sessions from the team's PostgreSQL with --remote if they were synced.",
        inner);

    /// <summary>
    /// ACODE-DB-002 for a blob of large content in PostgreSQL (docs/storage.md) that is missing or does not decode: the
    /// session whose rows name it cannot be read whole. Nothing is changed; a workspace that synced the session holds its
    /// own copy of the blob.
    /// </summary>
    /// <param name="redactedTarget">The server as <c>postgresql://user@host:port/database</c>, never with the password.</param>
    /// <param name="sessionId">The session being read.</param>
    /// <param name="hash">The blob's name, its SHA-256 in hex (shown shortened in the message, whole in the hint).</param>
    /// <param name="reason">What is wrong with it, in words.</param>
    /// <param name="inner">The decoder's exception, if any.</param>
    public static AcodeDbException DamagedPostgresBlob(string redactedTarget, string sessionId, string hash, string reason, Exception? inner = null) => new(
        AcodeErrorCode.NotAnAcodeDatabase,
        $"PostgreSQL at {redactedTarget} holds a damaged blob of large content ({Short(hash)}) that session {sessionId} names: {reason}. Nothing was changed.",
        $"A workspace that synced this session still holds it whole: read it there, without --remote ('acode session show {sessionId}'). Otherwise restore the PostgreSQL database from a backup; the damaged row is the one in table blobs with hash '{hash}'.",
        inner);

    /// <summary>
    /// ACODE-DB-003 for a migration of the workspace database that failed and was rolled back. Every command applies the
    /// workspace database's pending migrations before it reads (<c>acode db check</c> included), so none of this acode's
    /// commands opens it until the cause is fixed; the hint names what still works instead.
    /// </summary>
    /// <param name="migration">The failed migration's id, e.g. <c>V1_11_0_OutboxDerivedKey</c>.</param>
    /// <param name="lastGoodVersion">The version the database stays at; null for a database no migration was applied to.</param>
    /// <param name="reason">What failed, naming the statement.</param>
    /// <param name="inner">The native exception.</param>
    /// <param name="startVersion">The version the database was at before this run applied anything; when it differs from <paramref name="lastGoodVersion"/>, the migrations before the failed one were applied and stay.</param>
    public static AcodeDbException WorkspaceMigrationFailed(string migration, string? lastGoodVersion, string? startVersion, string reason, Exception? inner = null) => new(
        AcodeErrorCode.MigrationFailed,
        MigrationFailedMessage(migration, lastGoodVersion, reason),
        (startVersion == lastGoodVersion
            ? "Nothing was lost: the database was not changed"
            : $"Nothing was lost: the migrations before it were applied (the database moved from {startVersion ?? "none"} to {lastGoodVersion}) and this one was rolled back")
            + (lastGoodVersion is null ? "" : $", and an acode whose newest schema is {lastGoodVersion} still opens it")
            + ". This acode migrates the database before every command but 'acode db check' (which then reports on it as it is), so it cannot use it until the cause is fixed: run 'acode db check', and report this error with the output of 'acode db migrate --dry-run', which lists the pending migrations without applying them.",
        inner);

    /// <summary>
    /// ACODE-DB-002 for a workspace database at an older schema whose pages <c>PRAGMA quick_check</c> finds damaged: it is
    /// not migrated, since a migration rewrites tables and indexes from damaged pages (and an older acode could then no
    /// longer open the file). Nothing is changed.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="currentVersion">Its schema version, e.g. <c>1.11.0</c>.</param>
    /// <param name="latestVersion">This acode's newest schema.</param>
    /// <param name="problem">The first problems <c>PRAGMA quick_check</c> reported (or the error it stopped with).</param>
    public static AcodeDbException DamagedWorkspaceNotMigrated(string path, string currentVersion, string latestVersion, string problem) => new(
        AcodeErrorCode.NotAnAcodeDatabase,
        $"'{path}' is damaged (PRAGMA quick_check: {problem}), so it was not migrated from schema {currentVersion} to {latestVersion}. The file was left untouched.",
        $"Copy it aside before anything else (with its -wal file, if any), then restore the workspace from a backup, with no '-wal' or '-shm' file left beside the restored file; 'acode db check' reports the damage without migrating the file. Sessions synced to PostgreSQL can be read there with --remote and brought back with 'acode session pull'.");

    /// <summary>ACODE-DB-003 for a migration of the shared PostgreSQL database that failed and was rolled back.</summary>
    /// <param name="migration">The failed migration's id, e.g. <c>V1_12_0_SearchJsonEscapes</c>.</param>
    /// <param name="lastGoodVersion">The version the database stays at; null for a database no migration was applied to.</param>
    /// <param name="reason">What failed, naming the statement.</param>
    /// <param name="inner">The native exception.</param>
    public static AcodeDbException PostgresMigrationFailed(string migration, string? lastGoodVersion, string reason, Exception? inner = null) => new(
        AcodeErrorCode.MigrationFailed,
        MigrationFailedMessage(migration, lastGoodVersion, reason),
        "Nothing was lost. Run 'acode db check' to inspect the database, and report this error with 'acode db migrate --dry-run' output.",
        inner);

    /// <summary>
    /// ACODE-DB-006 for a migration the server refused (a privilege acode's role lacks, a server that accepts only reads):
    /// the migration is sound, the role or the server is not, so it is the refusal's code, not a failed migration's
    /// (ACODE-DB-003). The migration was rolled back; <paramref name="remedy"/> (e.g. the <c>GRANT</c>) is part of the
    /// message, so that it survives wherever the message alone is shown (a paused sync's reason).
    /// </summary>
    /// <param name="redactedTarget">The server as <c>postgresql://user@host:port/database</c>, never with the password.</param>
    /// <param name="migration">The refused migration's id, e.g. <c>V1_0_0_InitialSchema</c>.</param>
    /// <param name="lastGoodVersion">The version the database stays at.</param>
    /// <param name="reason">What was refused, naming the privilege or setting.</param>
    /// <param name="remedy">What fixes it.</param>
    /// <param name="inner">The native exception.</param>
    public static AcodeDbException MigrationRefused(string redactedTarget, string migration, string lastGoodVersion, string reason, string remedy, Exception? inner = null) => new(
        AcodeErrorCode.PostgresUnavailable,
        $"PostgreSQL at {redactedTarget} refused what acode needs to apply migration {migration}: {reason}. The migration was rolled back; the database is still at version {lastGoodVersion}. To fix it: {remedy}",
        "Nothing was lost: local work continues and changes wait in the outbox. Once it is fixed, run the command again ('acode db check' tells when it is).",
        inner);

    public static AcodeDbException MigrationChanged(string migration, string appliedChecksum, string currentChecksum) => new(
        AcodeErrorCode.MigrationFailed,
        $"Migration {migration} was changed after it was applied (checksum {Distinct(appliedChecksum, currentChecksum)} in the database, {Distinct(currentChecksum, appliedChecksum)} in this program). Start-up halted.",
        "Use the acode version that applied it, or restore the migration script. Applied migrations must never be edited; add a new version instead.");

    /// <param name="databaseVersion">The newest version the database records.</param>
    /// <param name="programVersion">The newest version this program knows.</param>
    /// <param name="database">Which database, as the message names it: <c>workspace database</c> or <c>PostgreSQL database</c>.</param>
    public static AcodeDbException SchemaTooNew(string databaseVersion, string programVersion, string database = "database") => new(
        AcodeErrorCode.SchemaTooNew,
        $"The {database} schema is at version {databaseVersion}, newer than this program knows (latest {programVersion}). It was not changed.",
        "Upgrade acode to a version that knows this schema; acode never downgrades a database.");

    /// <summary>
    /// ACODE-DB-005 for a read of a file opened as immutable (<c>immutable=1</c>: this user may not write the workspace, so
    /// it reads without SQLite's locks; docs/reliability.md, "Read-only workspaces") that failed because another process
    /// (the owner) wrote to the file meanwhile: transient, not damage. The next read opens the file afresh.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="inner">What the read failed with.</param>
    public static AcodeDbException ChangedWhileReadImmutable(string path, Exception? inner = null) => new(
        AcodeErrorCode.Busy,
        $"The workspace database '{path}' was changed by another process while this one read it. This user may not write the workspace, so acode reads the file without SQLite's locks (as an immutable file), and a write by its owner meanwhile made the read fail; the file is not damaged by it.",
        "Run the command again (in 'acode ui', reload the page): the file is read afresh. To read it while it is being written, run acode as the workspace's owner, or let this user write its .agent folder so that it can share the owner's locks.",
        inner);

    public static AcodeDbException Busy(string path, TimeSpan timeout, Exception? inner = null) => new(
        AcodeErrorCode.Busy,
        $"The workspace database '{path}' stayed locked by another writer for {timeout.TotalSeconds:0.#} s.",
        "Another process is writing to it (another acode command, an agent host, or a tool such as the sqlite3 shell); try again, or wait longer: raise persistence:sqlite:busyTimeoutSeconds with ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUTSECONDS or in .agent/config.json (the environment variable wins).",
        inner);

    /// <param name="redactedTarget">The server as <c>postgresql://user@host:port/database</c>, never with the password.</param>
    /// <param name="reason">What failed, in words (no connection string, no password).</param>
    /// <param name="inner">The native exception (NpgsqlException, PostgresException, SocketException).</param>
    public static AcodeDbException PostgresUnavailable(string redactedTarget, string reason, Exception? inner = null) => new(
        AcodeErrorCode.PostgresUnavailable,
        $"PostgreSQL at {redactedTarget} is unavailable: {reason}.",
        "Check that the server is running and reachable from this machine, and that ACODE_POSTGRES_URL (or persistence:postgres:connectionString in .agent/config.json) names the right host, port, database, user and password. Local work continues meanwhile; sync resumes by itself once PostgreSQL answers ('acode db status' shows the backlog).",
        inner);

    /// <summary>
    /// ACODE-DB-006 for a statement the server cancelled (SQLSTATE 57014: the role's or the database's
    /// <c>statement_timeout</c>, or an administrator's <c>pg_cancel_backend</c>): the server answers, so the advice is the
    /// timeout's, not an outage's. For the sync it is handled as an outage (a batch is retried record by record).
    /// </summary>
    /// <param name="redactedTarget">The server as <c>postgresql://user@host:port/database</c>, never with the password.</param>
    /// <param name="reason">What the server said.</param>
    /// <param name="role">The role acode connects as, for the <c>ALTER ROLE</c> to run.</param>
    /// <param name="inner">The native exception.</param>
    public static AcodeDbException PostgresStatementCancelled(string redactedTarget, string reason, string role, Exception? inner = null) => new(
        AcodeErrorCode.PostgresUnavailable,
        $"PostgreSQL at {redactedTarget} is reachable but cancelled a statement of acode's: {reason}.",
        $"A statement ran longer than the statement_timeout of acode's role or database (or an administrator cancelled it): raise it (as the database owner: ALTER ROLE {role} SET statement_timeout = '5min'; 0 turns it off), or lower persistence:sync:batchSize so that each batch takes less time; then run the command again. Local work continues meanwhile; changes wait in the outbox ('acode db status' shows the backlog).",
        inner);

    /// <summary>
    /// ACODE-DB-006 for a server that answers but refuses what acode must do: a privilege the role lacks, a server that
    /// accepts only reads, a schema acode cannot find. Not an outage of the network, but the same for the sync: nothing
    /// is the records' fault, so it pauses without counting attempts and resumes once the cause is fixed.
    /// </summary>
    /// <param name="redactedTarget">The server as <c>postgresql://user@host:port/database</c>, never with the password.</param>
    /// <param name="reason">What was refused, naming the privilege or setting (no connection string, no password).</param>
    /// <param name="remedy">What fixes it, e.g. the <c>GRANT</c> statement to run as the database owner. It is part of the
    /// message, so that it survives wherever the message alone is shown (<c>acode db status</c>, a paused sync's reason).</param>
    /// <param name="inner">The native exception.</param>
    public static AcodeDbException PostgresRefused(string redactedTarget, string reason, string remedy, Exception? inner = null) => new(
        AcodeErrorCode.PostgresUnavailable,
        $"PostgreSQL at {redactedTarget} refused what acode needs: {reason}. To fix it: {remedy}",
        PostgresRefusedHint,
        inner);

    private const string PostgresRefusedHint =
        "Local work continues meanwhile: changes wait in the outbox, no attempt is counted, and sync resumes once this is fixed ('acode db check' tells when it is).";

    /// <summary>
    /// <paramref name="error"/> (ACODE-DB-006: PostgreSQL unavailable or refusing) as the PostgreSQL run-state store
    /// (<c>persistence:store:kind = Postgres</c>) reports it: same code, message and native exception, but a hint for a
    /// store that keeps nothing on this machine. The hints of <see cref="PostgresUnavailable"/> and
    /// <see cref="PostgresRefused"/> speak of a workspace whose changes wait in its outbox; with this store there is no
    /// outbox, so a failed save saved nothing and must be made again. Any other error is returned as it is.
    /// </summary>
    /// <param name="error">The error as mapped (<c>PostgresErrorMapper</c>) or raised by the migrator.</param>
    /// <param name="write">True for a save, a delete or an import; false for a read.</param>
    public static AcodeDbException InPostgresStore(AcodeDbException error, bool write)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.ErrorCode != AcodeErrorCode.PostgresUnavailable)
        {
            return error;
        }

        const string check = "check that the server is running and reachable from this machine, and that ACODE_POSTGRES_URL (or persistence:postgres:connectionString) names the right host, port, database, user and password; if the server refused, do what the message says first.";
        return new AcodeDbException(
            error.ErrorCode,
            error.Message,
            write
                ? "Nothing was saved: the PostgreSQL store (persistence:store:kind = Postgres) keeps no local copy and no outbox, so nothing waits to be sent later. Retry once PostgreSQL answers (a Session whose save failed keeps its pending changes: save it again); " + check
                : "Nothing was read or changed. Try again once PostgreSQL answers; " + check,
            error.InnerException);
    }

    /// <summary>
    /// A workspace error (a full disk, a damaged file) that stopped a sync after PostgreSQL had committed records this
    /// workspace could not then mark delivered (trial BA F1): the error as it was, with what the sync did before it and
    /// what becomes of those records (they stay leased to the stopped sync until the lease ends, then the next sync sends
    /// them again and PostgreSQL counts them as duplicates). Code and hint are the error's own.
    /// </summary>
    /// <param name="error">The workspace's error.</param>
    /// <param name="marked">Records delivered and marked delivered in this workspace before it.</param>
    /// <param name="unmarked">Records PostgreSQL committed that were not marked delivered here.</param>
    /// <param name="leaseSeconds">The lease of a claim (<c>persistence:sync:leaseSeconds</c>), in seconds.</param>
    public static AcodeDbException SyncStoppedByWorkspace(AcodeDbException error, long marked, long unmarked, int leaseSeconds)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new AcodeDbException(
            error.ErrorCode,
            $"{error.Message.TrimEnd()} The sync stopped there: {marked} record(s) were delivered to PostgreSQL and marked delivered here before it; "
                + $"{unmarked} more reached PostgreSQL but could not be marked delivered here. They stay leased to this stopped sync for up to {leaseSeconds} s "
                + "(persistence:sync:leaseSeconds); a sync after that sends them again, and PostgreSQL counts them as duplicates: nothing is applied twice or lost.",
            error.Hint,
            error.InnerException);
    }

    /// <summary>
    /// ACODE-DB-006 for a reader (<c>--remote</c> reads, <c>session pull</c>, <c>acode ui --remote</c>) whose role may not
    /// read what it needs: the reason names the missing privilege, the remedy the SELECT-only GRANT. A read leaves nothing
    /// waiting, so the hint says what the reader needs, not what the sync does.
    /// </summary>
    /// <param name="redactedTarget">The server as <c>postgresql://user@host:port/database</c>, never with the password.</param>
    /// <param name="reason">What was refused, naming the privilege.</param>
    /// <param name="remedy">The GRANT statements that fix it.</param>
    public static AcodeDbException PostgresReadRefused(string redactedTarget, string reason, string remedy) => new(
        AcodeErrorCode.PostgresUnavailable,
        $"PostgreSQL at {redactedTarget} refused what reading acode's tables needs: {reason}. To fix it: {remedy}",
        "Reading the team's database needs only CONNECT on the database, USAGE on the schema and SELECT on acode's tables (docs/postgres.md, \"A reader role\"); nothing was changed here or there.");

    /// <summary>
    /// ACODE-DB-006 for a reader that migrates nothing (<c>--remote</c> reads, <c>session pull</c>, <c>acode ui --remote</c>)
    /// when the server has no acode schema, or one older than this program's: the queries of this build need the tables
    /// and columns of its schema.
    /// </summary>
    /// <param name="redactedTarget">The server as <c>postgresql://user@host:port/database</c>, never with the password.</param>
    /// <param name="current">The server's schema version, or <c>none</c>.</param>
    /// <param name="latest">This program's schema version.</param>
    public static AcodeDbException PostgresSchemaBehind(string redactedTarget, string current, string latest) => new(
        AcodeErrorCode.PostgresUnavailable,
        current == "none"
            ? $"PostgreSQL at {redactedTarget} holds no acode schema yet: no workspace has synced to it (or it is another database than the team's); reading it does not create one."
            : $"PostgreSQL at {redactedTarget} has acode's schema {current}, older than this acode's {latest}; reading it does not migrate it.",
        current == "none"
            ? "Check the URL; to start the team database, run 'acode db sync' (or 'acode db migrate') in a workspace configured with this PostgreSQL."
            : "Bring it up to date with 'acode db migrate' (or 'acode db sync') in a workspace configured with this PostgreSQL, then try again.");

    /// <summary>
    /// ACODE-DB-007 for a command that needs PostgreSQL (<c>acode db sync</c>) when none is configured: the setting it
    /// needs is absent. Not ACODE-DB-006: nothing is unreachable, there is nothing to reach.
    /// </summary>
    public static AcodeDbException PostgresNotConfigured() => new(
        AcodeErrorCode.InvalidConfiguration,
        $"No PostgreSQL is configured ({Options.PostgresOptions.ConnectionStringKey} and {Options.PostgresOptions.EnvironmentVariable} are not set), so there is nothing to sync to. Local work is unaffected; changes wait in the outbox.",
        $"Set {Options.PostgresOptions.EnvironmentVariable} (e.g. postgresql://acode@db.example:5432/acode) or {Options.PostgresOptions.ConnectionStringKey} in .agent/config.json.");

    /// <summary>Characters of a setting's value an error quotes, after redaction with the built-in rules (a connection string put into another setting by mistake: trial AU 9).</summary>
    private const int ShownValueLength = 100;

    /// <summary>ACODE-DB-007 for one setting: its key path, the value as configured (redacted and cut), where it came from when known, and what it accepts.</summary>
    /// <param name="key">The key path as the README spells it, e.g. <c>persistence:sync:batchSize</c>.</param>
    /// <param name="value">The value as configured (a secret is replaced by the caller).</param>
    /// <param name="accepted">The accepted values in words.</param>
    /// <param name="source">Where the value was read (a file path or an environment variable), or null when set in code.</param>
    public static AcodeDbException InvalidConfiguration(string key, string value, string accepted, string? source = null)
    {
        var exception = new AcodeDbException(
            AcodeErrorCode.InvalidConfiguration,
            $"Invalid configuration: {key} = '{Redaction.RedactedCut.Ellipsis(value, ShownValueLength)}'" + (source is null ? "." : $" (from {source})."),
            $"Accepted values for {key}: {accepted}. " + (source is null
                ? $"Fix it in .agent/config.json or the environment variable {EnvironmentVariableOf(key)}."
                : $"Fix it in {source}."));
        if (source is null)
        {
            // A check of the options object (a rule across keys, a rule of a list) does not know where the value came
            // from; the loader, which does, names it (NamingSource).
            exception.Data[KeyData] = key;
            exception.Data[ValueData] = value;
            exception.Data[AcceptedData] = accepted;
        }

        return exception;
    }

    /// <summary>
    /// <paramref name="exception"/> again naming where its value came from, when it is an <see cref="InvalidConfiguration"/>
    /// made without a source, or an <see cref="InvalidConnectionString"/> of the configuration key, and <paramref name="sourceOf"/>
    /// finds the key (a file path or an environment variable); otherwise <paramref name="exception"/> itself.
    /// </summary>
    /// <param name="exception">The error.</param>
    /// <param name="sourceOf">Where a key's value came from, or null when no source sets it.</param>
    /// <param name="keyOf">The key as its source spells it (a list's item numbered otherwise than its position); null: as it is.</param>
    public static AcodeDbException NamingSource(AcodeDbException exception, Func<string, string?> sourceOf, Func<string, string>? keyOf = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(sourceOf);
        if (exception.Data[KeyData] is string connectionKey && exception.Data[ConnectionStringProblemData] is string problem)
        {
            return connectionKey != Options.PostgresOptions.EnvironmentVariable && sourceOf(connectionKey) is { } connectionSource
                ? InvalidConnectionString(connectionKey, problem, connectionSource)
                : exception;
        }

        if (exception.Data[KeyData] is string checkedKey && exception.Data[ValueData] is string value && exception.Data[AcceptedData] is string accepted)
        {
            string key = keyOf?.Invoke(checkedKey) ?? checkedKey;
            // No source sets it: the value is the default, which a rule across keys refused because of the other key
            // (trial AM 7: "leaseSeconds = '60'" when only commandTimeoutSeconds was set).
            return sourceOf(key) is { } source
                ? InvalidConfiguration(key, value, accepted, source)
                : new AcodeDbException(
                    AcodeErrorCode.InvalidConfiguration,
                    $"Invalid configuration: {key} = '{Redaction.RedactedCut.Ellipsis(value, ShownValueLength)}' (not set in the file or a variable: its default).",
                    $"Accepted values for {key}: {accepted}. Set it in .agent/config.json or the environment variable {EnvironmentVariableOf(key)}.");
        }

        return exception;
    }

    /// <summary>ACODE-DB-007 for a key under <c>persistence</c> that no setting has (a typo, or a setting of a newer acode).</summary>
    public static AcodeDbException UnknownConfigurationKey(string key, string source, string? suggestion, IEnumerable<string> knownKeys) => new(
        AcodeErrorCode.InvalidConfiguration,
        $"Invalid configuration: {Redaction.RedactedCut.Ellipsis(key, ShownValueLength)} (from {source}) is not a setting acode knows" + (suggestion is null ? "." : $"; did you mean {suggestion}?"),
        $"Fix or remove it in {source}. Known settings: {string.Join(", ", knownKeys)}.");

    /// <summary>ACODE-DB-007 for a top-level key of <c>.agent/config.json</c> other than <c>persistence</c> (a misspelt section).</summary>
    /// <param name="key">The key as written.</param>
    /// <param name="path">The file.</param>
    /// <param name="suggestion">The section it probably meant, or null.</param>
    public static AcodeDbException UnknownConfigurationSection(string key, string path, string? suggestion) => new(
        AcodeErrorCode.InvalidConfiguration,
        $"Invalid configuration: '{Redaction.RedactedCut.Ellipsis(key, ShownValueLength)}' at the top of {path} is not a section acode knows" + (suggestion is null ? "." : $"; did you mean {suggestion}?"),
        $"Fix or remove it in {path}: " + """acode's settings all go under "persistence", e.g. {"persistence": {"sqlite": {"busyTimeoutSeconds": 30}}}.""");

    /// <summary>ACODE-DB-007 for an <c>ACODE_</c> environment variable meant for a setting whose name no setting has (a typo in its section).</summary>
    /// <param name="variable">The variable as set, e.g. <c>ACODE_PERSISTANCE__SQLITE__BUSYTIMEOUTSECONDS</c>.</param>
    /// <param name="meant">The name it probably meant, e.g. <c>ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUTSECONDS</c>.</param>
    public static AcodeDbException UnknownConfigurationVariable(string variable, string meant) => new(
        AcodeErrorCode.InvalidConfiguration,
        $"Invalid configuration: the environment variable {Redaction.RedactedCut.Ellipsis(variable, ShownValueLength)} names no setting acode knows; did you mean {Redaction.RedactedCut.Ellipsis(meant, ShownValueLength)}?",
        "Rename or unset it: acode's settings are ACODE_PERSISTENCE__<section>__<key> (two underscores between the parts), e.g. ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUTSECONDS=30.");

    /// <summary>ACODE-DB-007 for a configuration file that cannot be read as JSON.</summary>
    public static AcodeDbException UnreadableConfigurationFile(string path, string problem, Exception? inner = null) => new(
        AcodeErrorCode.InvalidConfiguration,
        $"Invalid configuration: {path} is not valid JSON: {problem}.",
        """Fix the file (it must hold one JSON object such as {"persistence": {"sqlite": {"busyTimeoutSeconds": 30}}}) or move it away to run with the defaults.""",
        inner);

    /// <summary>
    /// ACODE-DB-007 for a configuration file path that holds no file acode can read (a folder, a fifo, a socket, a
    /// device, a symbolic link to nothing or one that loops): said, not ignored and not opened.
    /// </summary>
    /// <param name="path">The configuration file's path.</param>
    /// <param name="problem">What is there instead, in words (e.g. "it is a fifo, not a file").</param>
    /// <param name="remedy">What to do about the path itself, before the general advice (may be null).</param>
    /// <param name="inner">The exception that found it, if any.</param>
    public static AcodeDbException UnusableConfigurationFile(string path, string problem, string? remedy = null, Exception? inner = null) => new(
        AcodeErrorCode.InvalidConfiguration,
        $"Invalid configuration: {path} cannot be read as the configuration file: {problem}.",
        (remedy is null ? string.Empty : remedy + " ")
        + """The configuration file must be a regular file holding one JSON object such as {"persistence": {"sqlite": {"busyTimeoutSeconds": 30}}}; without it acode runs with the defaults.""",
        inner);

    private const string KeyData = "acode:configurationKey";
    private const string ValueData = "acode:configurationValue";
    private const string AcceptedData = "acode:configurationAccepted";
    private const string ConnectionStringProblemData = "acode:connectionStringProblem";

    private static string EnvironmentVariableOf(string key) => "ACODE_" + key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>
    /// ACODE-DB-007 for a PostgreSQL connection string that cannot be used. The value is never shown: it may hold a
    /// password, and any fragment of a mis-split URL may be part of one.
    /// </summary>
    /// <param name="key">The key or variable the connection string came from.</param>
    /// <param name="problem">What is wrong with it, in words (never a fragment of the value).</param>
    /// <param name="source">
    /// Where the value came from and is to be fixed (a file path, <c>the environment variable ACODE_PERSISTENCE__POSTGRES__CONNECTIONSTRING</c>,
    /// <see cref="OptionsInCode"/>), or null when not known: <c>ACODE_POSTGRES_URL</c> as <paramref name="key"/> is its own
    /// source; the configuration key is then said to be fixed in <c>.agent/config.json</c> or the environment.
    /// </param>
    public static AcodeDbException InvalidConnectionString(string key, string problem, string? source = null)
    {
        bool fromUrlVariable = key == Options.PostgresOptions.EnvironmentVariable;
        var exception = new AcodeDbException(
            AcodeErrorCode.InvalidConfiguration,
            $"Invalid configuration: {key}{(source is null ? string.Empty : $" (from {source})")} is not a usable PostgreSQL connection string: {problem}. (The value is not shown because it may contain a password.)",
            $"Accepted values for {key}: a URL such as postgresql://user:password@host:5432/database?sslmode=require (percent-encode @ : / ? # & in the user name or password, e.g. %40 for @), or Npgsql key=value pairs such as Host=host;Port=5432;Username=user;Database=database. "
            + (source is not null ? $"Fix it in {source}."
                : fromUrlVariable ? $"Fix it in the environment variable {key}."
                : $"Fix it in .agent/config.json or the environment variable {EnvironmentVariableOf(key)} (or set {Options.PostgresOptions.EnvironmentVariable}, which overrides both)."));
        exception.Data[KeyData] = key;
        exception.Data[ConnectionStringProblemData] = problem;
        return exception;
    }

    /// <summary>Where options set in code come from, as ACODE-DB-007 names it: they are neither in a file nor in the environment.</summary>
    public const string OptionsInCode = "the PersistenceOptions passed to AddAcodePersistence";

    /// <summary>
    /// <paramref name="exception"/> again naming <see cref="OptionsInCode"/> as the place to fix the value, when it is an
    /// ACODE-DB-007 about one setting (<see cref="InvalidConfiguration"/> without a source, <see cref="InvalidConnectionString"/>):
    /// options passed in code were read from neither <c>.agent/config.json</c> nor an <c>ACODE_</c> variable, so the hint
    /// must not send the developer there. Otherwise <paramref name="exception"/> itself.
    /// </summary>
    public static AcodeDbException SetInCode(AcodeDbException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.Data[KeyData] is string key && exception.Data[ConnectionStringProblemData] is string problem)
        {
            return InvalidConnectionString(key, problem, OptionsInCode);
        }

        return NamingSource(exception, _ => OptionsInCode);
    }

    private static string Short(string checksum) => checksum.Length > 12 ? checksum[..12] : checksum;

    /// <summary><paramref name="checksum"/> shortened, unless its short form would look the same as <paramref name="other"/>'s.</summary>
    private static string Distinct(string checksum, string other) => Short(checksum) == Short(other) ? checksum : Short(checksum);

    private static string MigrationFailedMessage(string migration, string? lastGoodVersion, string reason)
        => $"Migration {migration} failed and was rolled back: {reason}. The database is still at version {lastGoodVersion ?? "none (empty database)"}.";
}

using System.CommandLine;
using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Application.Outbox;
using Acode.Application.Redaction;
using Acode.Application.Search;
using Acode.Application.Sync;
using Acode.Cli.Output;
using Acode.Domain.Time;
using Acode.Infrastructure;
using Acode.Infrastructure.Configuration;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Search;
using Acode.Infrastructure.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using Spectre.Console;

namespace Acode.Cli;

/// <summary>
/// What one invocation works with: the workspace, its validated options, the console and logging, and its
/// <see cref="Services"/>: the object graph an agent host gets from <see cref="PersistenceServiceCollectionExtensions.AddAcodePersistence(IServiceCollection, Workspace, PersistenceOptions)"/>,
/// built once per invocation for the located workspace, with three CLI registrations put first (see <see cref="BuildServices"/>).
/// </summary>
internal sealed class CliContext : IDisposable
{
    /// <summary>The log category of the generic host's lifetime (<c>Microsoft.Extensions.Hosting.Internal.Host</c>, "Hosting failed to start").</summary>
    private const string HostingCategory = "Microsoft.Extensions.Hosting";
    private const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private readonly string? _explicitWorkspace;
    private PersistenceOptions? _options;
    private ServiceProvider? _services;
    private bool? _migrateOnOpen;
    private bool _migrationTold;

    public CliContext(ParseResult parseResult, GlobalOptions globals)
    {
        ParseResult = parseResult;
        _explicitWorkspace = parseResult.GetValue(globals.Workspace);
        Workspace = WorkspaceLocator.Locate(_explicitWorkspace);
        // The CLI reports outcomes itself (its own Error:, Warning: and Try: lines); the library's log, errors included
        // (a dead-lettered record, a failed migration: each also said by the command), is for --verbose only. A host
        // configures its own logging and keeps the library's levels.
        LogLevel level = parseResult.GetValue(globals.Verbose) ? LogLevel.Debug : LogLevel.None;
        LoggerFactory = new DeferredLoggerFactory(level, () => Microsoft.Extensions.Logging.LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            // The viewer's host logs a failed start (a taken port) with its stack trace before rethrowing; the command
            // reports that exception itself as one 'Error:' line, so the host's own account is for --verbose only.
            .AddFilter(HostingCategory, level == LogLevel.Debug ? LogLevel.Debug : LogLevel.None)
            // ASP.NET Core's request lines carry the whole URL, the viewer's ?token= included (trial AU 8): a --verbose log
            // kept in a file must not hold it; its warnings and errors stay.
            .AddFilter(RequestLogCategory, level == LogLevel.Debug ? LogLevel.Warning : LogLevel.None)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o => o.SingleLine = true)));
        Console = ConsoleFactory.Create();
    }

    public ParseResult ParseResult { get; }

    public Workspace Workspace { get; }

    public ILoggerFactory LoggerFactory { get; }

    public IAnsiConsole Console { get; }

    public PersistenceOptions Options => _options ??= LoadOptions();

    /// <summary>
    /// The invocation's services (the options are loaded, and checked, first). What depends on the workspace database can be
    /// resolved only after <see cref="OpenDatabase"/> or <see cref="OpenExistingDatabase"/> said how to open it; PostgreSQL
    /// services resolve without opening anything local.
    /// </summary>
    public IServiceProvider Services => _services ??= BuildServices();

    /// <summary>
    /// Opens (creating it when missing) the workspace database: the <see cref="Services"/>' instance, disposed with them.
    /// Only for the commands that write new run state (<c>demo</c>, <c>import</c>, <c>session import</c>, <c>session pull</c>)
    /// and <c>db migrate</c> (which sets a workspace up); every other command uses <see cref="OpenExistingDatabase"/>.
    /// </summary>
    /// <param name="migrate">Migrate it on open.</param>
    /// <param name="readOnlyRefused">False for <c>db migrate</c>, which has nothing to write to a read-only database already current.</param>
    /// <exception cref="AcodeDbException">ACODE-DB-001 when the database is read-only to this user (nothing was changed).</exception>
    public SqliteWorkspaceDatabase OpenDatabase(bool migrate = true, bool readOnlyRefused = true) => readOnlyRefused ? Writable(Open(migrate)) : Open(migrate);

    private SqliteWorkspaceDatabase Open(bool migrate)
    {
        if (_migrateOnOpen is { } chosen && chosen != migrate)
        {
            throw new InvalidOperationException("The workspace database is opened once per invocation, migrated or not.");
        }

        _migrateOnOpen = migrate;
        SqliteWorkspaceDatabase database = Services.GetRequiredService<SqliteWorkspaceDatabase>();
        if (database.MigratedOnOpen is { } upgrade && !_migrationTold)
        {
            // Every command migrates an older workspace before its first use (docs/reliability.md); it says so once, on
            // standard error (stdout may be JSON), because older acode versions refuse the file from now on.
            _migrationTold = true;
            System.Console.Error.WriteLine(MigratedOnOpenText(Workspace.DatabasePath, upgrade));
        }

        return database;
    }

    /// <summary>The line a command prints on standard error when opening the workspace migrated its database.</summary>
    internal static string MigratedOnOpenText(string path, Application.SchemaUpgrade upgrade)
        => $"Migrated {CommandAction.Printable(path)} from schema {upgrade.From} to {upgrade.To} ({upgrade.Applied} migration{(upgrade.Applied == 1 ? "" : "s")}); acode versions that know only {upgrade.From} can no longer open it.";

    /// <summary><paramref name="database"/>, unless it was opened read-only: a command that writes stops before it starts.</summary>
    private static SqliteWorkspaceDatabase Writable(SqliteWorkspaceDatabase database)
        => database.IsReadOnly ? throw database.ReadOnlyRefusal() : database;

    /// <summary>The workspace's own store (SQLite), opened by <see cref="OpenDatabase"/> or <see cref="OpenExistingDatabase"/> first.</summary>
    public SqliteRunStateStore WorkspaceStore => Services.GetRequiredService<SqliteRunStateStore>();

    /// <summary>
    /// Opens the database of a workspace that exists; for the commands that create nothing. The configuration is checked
    /// first, as for every command. A database this user may not write opens read-only (reads work); a command that
    /// will write to it says so with <paramref name="writes"/>, and then stops before it starts. An empty (0-byte)
    /// database file holds no workspace yet: these commands find none there, as where the file is missing, and leave it
    /// as it is (only the commands that create a workspace, through <see cref="OpenDatabase"/>, set it up).
    /// </summary>
    /// <exception cref="UsageException">No database at the workspace, or an empty one (exit 1); the message says where it looked.</exception>
    /// <exception cref="AcodeDbException">ACODE-DB-001 with <paramref name="writes"/> when the database is read-only to this user.</exception>
    public SqliteWorkspaceDatabase OpenExistingDatabase(bool migrate = true, bool writes = false)
    {
        string? empty = EmptyDatabaseFile();
        if (!WorkspaceDatabaseExists && DatabaseFile.Inspect(Workspace.DatabasePath) == DatabaseFileKind.WalWithoutDatabase)
        {
            // Not "no workspace here": the changes of one whose database file went missing.
            throw AcodeErrors.WalWithoutDatabase(Workspace.DatabasePath, new FileInfo(Workspace.DatabasePath + "-wal").Length);
        }

        if (Options is null || empty is not null || !(WorkspaceDatabaseExists || IsUnreadableAgentDirectory() || IsUnreachable(Workspace.DatabasePath)))
        {
            throw WorkspaceNotFound.Create(Workspace, _explicitWorkspace, Environment.GetEnvironmentVariable(WorkspaceLocator.EnvironmentVariable), empty);
        }

        SqliteWorkspaceDatabase database = Open(migrate);
        return writes ? Writable(database) : database;
    }

    /// <summary>
    /// The workspace database opened once more, without migrating and outside <see cref="Services"/> (which are opened
    /// once per invocation): for <c>db check</c> of a database whose migration on open was refused (damaged pages) or
    /// failed, so that it reports on the file as it is. The caller disposes it.
    /// </summary>
    /// <exception cref="AcodeDbException">As <see cref="OpenExistingDatabase"/>: the file is no acode database, or unreadable.</exception>
    internal SqliteWorkspaceDatabase OpenWithoutMigrating()
        => SqliteWorkspaceDatabase.Open(Workspace, Options.Sqlite, LoggerFactory, migrate: false);

    /// <summary>True when the workspace's database file (<c>.agent/workspace.db</c>) exists, whatever it holds.</summary>
    public bool WorkspaceDatabaseExists => File.Exists(Workspace.DatabasePath);

    /// <summary>
    /// True when the database file exists and holds nothing (see <see cref="EmptyDatabaseFile"/>): no workspace yet
    /// (opening it to read would write acode's schema into it).
    /// </summary>
    internal bool IsEmptyDatabaseFile() => EmptyDatabaseFile() is not null;

    /// <summary>
    /// How the database file holds nothing, when it does: 0 bytes (a <c>touch</c>, a copy cut short), or an SQLite database
    /// of one page with no application id (no table can exist in it: every table has a root page of its own), in either
    /// case with no <c>-wal</c> holding content; null otherwise (missing, an acode database, anything else).
    /// </summary>
    private string? EmptyDatabaseFile()
    {
        try
        {
            if (new FileInfo(Workspace.DatabasePath) is { Exists: true, Length: 0 } && new FileInfo(Workspace.DatabasePath + "-wal") is not { Exists: true, Length: > 0 })
            {
                return "is empty (0 bytes)";
            }

            return WorkspaceDatabaseExists && DatabaseFile.Inspect(Workspace.DatabasePath) == DatabaseFileKind.EmptySqlite
                ? "is an empty SQLite database (no tables)"
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when this user may not look at <paramref name="path"/> (a folder on the way it may not enter): whether the
    /// database exists cannot be told, so the open that follows says what is denied (ACODE-DB-001), not "no workspace".
    /// </summary>
    private static bool IsUnreachable(string path)
    {
        try
        {
            _ = File.GetAttributes(path);
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
        catch (IOException)
        {
            return false; // not there (or a file on the way)
        }
    }

    /// <summary>
    /// True when <c>.agent/</c> exists but this user cannot look into it: that is a workspace acode may not read, not a
    /// missing one, so opening it reports the permission problem (ACODE-DB-001) instead of "no workspace".
    /// </summary>
    private bool IsUnreadableAgentDirectory()
    {
        if (!Directory.Exists(Workspace.AgentDirectory))
        {
            return false;
        }

        try
        {
            using IEnumerator<string> entries = Directory.EnumerateFileSystemEntries(Workspace.AgentDirectory).GetEnumerator();
            _ = entries.MoveNext();
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>The configured PostgreSQL, or null when there is none.</summary>
    public PostgresConnectionSettings? SyncTarget => Options.Postgres is { IsConfigured: true } postgres ? PostgresConnectionSettings.From(postgres) : null;

    /// <summary>The sync target as it may be shown: redacted, never with a password.</summary>
    public string SyncTargetDescription => SyncTarget?.Redacted ?? "nothing (PostgreSQL is not configured)";

    /// <summary>The sync service of this workspace (open the database first); it reports "not configured" when no PostgreSQL is set.</summary>
    public ISyncService Sync => Services.GetRequiredService<ISyncService>();

    /// <summary>The outbox of this workspace (open the database first).</summary>
    public IOutbox Outbox => Services.GetRequiredService<IOutbox>();

    /// <summary>ACODE-DB-006 for a sync run that could not reach PostgreSQL (or has none to reach).</summary>
    /// <param name="result">The paused run: its <see cref="SyncRunResult.PauseCode"/> says whether <see cref="SyncRunResult.PauseDetail"/> is an ACODE-DB-006 message.</param>
    public AcodeDbException SyncUnavailable(SyncRunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (SyncTarget is not { } target)
        {
            return AcodeErrors.PostgresNotConfigured();
        }

        string reason = (result.PauseCode == AcodeErrorCode.PostgresUnavailable ? result.PauseDetail : result.PauseReason) ?? "it did not answer";
        return new AcodeDbException(AcodeErrorCode.PostgresUnavailable, reason.TrimEnd().TrimEnd('.') is var text && text.EndsWith(';') ? text : text + ".", // a GRANT's own ';' ends the sentence
            $"Nothing was lost: {(result.Delivered > 0 ? $"{result.Delivered} record(s) were delivered before that (counted in this run's summary), the other {result.Remaining} wait in the outbox" : result.Remaining > 0 ? $"the {result.Remaining} record(s) to deliver wait in the outbox" : "the outbox holds no record to deliver")} and no attempt was counted. Once {target.Redacted} is running, reachable and accepts acode's role (the right credentials and privileges), run 'acode db sync' again (or keep 'acode db sync --watch' running).");
    }

    public void Dispose()
    {
        _services?.Dispose();
        LoggerFactory.Dispose();
    }

    /// <summary>
    /// <see cref="PersistenceServiceCollectionExtensions.AddAcodePersistence(IServiceCollection, Workspace, PersistenceOptions)"/> with the
    /// options loaded as every command loads them, and the CLI's logger factory. Registered before it, so that its
    /// <c>TryAdd</c>s keep them:
    /// <list type="bullet">
    /// <item>the workspace database, opened as the command said (<see cref="OpenDatabase"/>: migrated or not; read-only
    /// commands check first that it exists, <see cref="OpenExistingDatabase"/>), never as a side effect of resolving something else;</item>
    /// <item><see cref="IRunStateStore"/> and <see cref="ISessionSearch"/>: the workspace's (SQLite), whatever
    /// <c>persistence:store:kind</c> says; <c>--remote</c> asks for the PostgreSQL ones by type;</item>
    /// <item><see cref="PostgresRunStateStore"/> without a migrator: the CLI only reads PostgreSQL through it (<c>--remote</c>,
    /// <c>session pull</c>), and reading creates nothing there.</item>
    /// </list>
    /// </summary>
    private ServiceProvider BuildServices()
    {
        PersistenceOptions options = Options;
        var services = new ServiceCollection();
        services.AddSingleton(LoggerFactory);
        services.AddSingleton(sp => SqliteWorkspaceDatabase.Open(
            Workspace, options.Sqlite, LoggerFactory, sp.GetRequiredService<TimeProvider>(),
            migrate: _migrateOnOpen ?? throw new InvalidOperationException("Open the workspace database through CliContext before resolving what uses it."),
            migrations: null,
            beforeMigrating: status => MigrationNotice.TellMigrating($"SQLite ({Workspace.DatabasePath})", status)));
        services.AddSingleton<IRunStateStore>(sp => sp.GetRequiredService<SqliteRunStateStore>());
        services.AddSingleton<ISessionSearch>(sp => sp.GetRequiredService<SqliteSessionSearch>());
        services.AddSingleton(sp => new PostgresRunStateStore(
            sp.GetRequiredKeyedService<NpgsqlDataSource>(PersistenceServiceCollectionExtensions.PostgresDataSourceKey),
            options.Store.Origin ?? PostgresStoreOrigin.Default, sp.GetRequiredService<HybridClock>(), migrator: null, sp.GetRequiredService<ISecretRedactor>(),
            options.Store.BlobThresholdBytes));
        services.AddAcodePersistence(Workspace, options);
        return services.BuildServiceProvider();
    }

    private PersistenceOptions LoadOptions()
    {
        LoadedPersistenceOptions loaded = AcodeConfiguration.LoadForCommandLine(Workspace);
        foreach (string note in loaded.Notes)
        {
            System.Console.Error.WriteLine($"Note: {CommandAction.Printable(note)}");
        }

        foreach (string warning in loaded.Warnings)
        {
            System.Console.Error.WriteLine($"Warning: {CommandAction.Printable(warning)}");
        }

        return loaded.Options;
    }
}

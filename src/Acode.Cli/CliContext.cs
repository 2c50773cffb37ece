using System.CommandLine;
using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Infrastructure;
using Acode.Infrastructure.Configuration;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Spectre.Console;

namespace Acode.Cli;

/// <summary>What one invocation works with: the workspace, its validated options, the console and logging.</summary>
internal sealed class CliContext : IDisposable
{
    private readonly string? _explicitWorkspace;
    private PersistenceOptions? _options;

    public CliContext(ParseResult parseResult, GlobalOptions globals)
    {
        ParseResult = parseResult;
        _explicitWorkspace = parseResult.GetValue(globals.Workspace);
        Workspace = WorkspaceLocator.Locate(_explicitWorkspace);
        // The CLI reports outcomes itself; the library's log is for --verbose (and errors).
        LogLevel level = parseResult.GetValue(globals.Verbose) ? LogLevel.Debug : LogLevel.Error;
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o => o.SingleLine = true));
        Console = ConsoleFactory.Create();
    }

    public ParseResult ParseResult { get; }

    public Workspace Workspace { get; }

    public ILoggerFactory LoggerFactory { get; }

    public IAnsiConsole Console { get; }

    public PersistenceOptions Options => _options ??= LoadOptions();

    public SqliteWorkspaceDatabase OpenDatabase(bool migrate = true)
        => SqliteWorkspaceDatabase.Open(Workspace, Options.Sqlite, LoggerFactory, migrate: migrate);

    /// <summary>Opens the database of a workspace that exists; for read-only commands, which create nothing. The configuration is checked first, as for every command.</summary>
    /// <exception cref="UsageException">No database at the workspace (exit 1); the message says where it looked.</exception>
    public SqliteWorkspaceDatabase OpenExistingDatabase(bool migrate = true)
        => Options is not null && (File.Exists(Workspace.DatabasePath) || IsUnreadableAgentDirectory())
            ? OpenDatabase(migrate)
            : throw WorkspaceNotFound.Create(Workspace, _explicitWorkspace, Environment.GetEnvironmentVariable(WorkspaceLocator.EnvironmentVariable));

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

    /// <summary>The sync service of this workspace; it reports "not configured" when no PostgreSQL is set.</summary>
    public OutboxSyncService OpenSync(SqliteWorkspaceDatabase database) => new(database, SyncTarget, Options.Sync);

    /// <summary>ACODE-DB-006 for a sync run that could not reach PostgreSQL (or has none to reach).</summary>
    public AcodeDbException SyncUnavailable(string? pauseReason)
    {
        if (SyncTarget is not { } target)
        {
            return AcodeErrors.PostgresNotConfigured();
        }

        const string prefix = "ACODE-DB-006: ";
        string reason = (pauseReason is not null && pauseReason.StartsWith(prefix, StringComparison.Ordinal) ? pauseReason[prefix.Length..] : pauseReason ?? "it did not answer") + ".";
        return new AcodeDbException(AcodeErrorCode.PostgresUnavailable, reason, $"Nothing was lost: the changes wait in the outbox and no attempt was counted. Once {target.Redacted} is running, reachable and accepts acode's role (right credentials and privileges; see above), run 'acode db sync' again (or keep 'acode db sync --watch' running).");
    }

    public void Dispose() => LoggerFactory.Dispose();

    private PersistenceOptions LoadOptions()
    {
        LoadedPersistenceOptions loaded = AcodeConfiguration.Load(Workspace);
        foreach (string warning in loaded.Warnings)
        {
            System.Console.Error.WriteLine($"Warning: {warning}");
        }

        return loaded.Options;
    }
}

using System.CommandLine;
using Acode.Application.Options;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Spectre.Console;

namespace Acode.Cli;

/// <summary>What one invocation works with: the workspace, its validated options, the console and logging.</summary>
internal sealed class CliContext : IDisposable
{
    private PersistenceOptions? _options;

    public CliContext(ParseResult parseResult, GlobalOptions globals)
    {
        ParseResult = parseResult;
        Workspace = WorkspaceLocator.Locate(parseResult.GetValue(globals.Workspace));
        LogLevel level = parseResult.GetValue(globals.Verbose) ? LogLevel.Debug : LogLevel.Warning;
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

    public void Dispose() => LoggerFactory.Dispose();

    private PersistenceOptions LoadOptions()
    {
        LoadedConfiguration loaded = WorkspaceConfiguration.Load(Workspace);
        foreach (string warning in loaded.ConfigurationWarnings)
        {
            System.Console.Error.WriteLine($"Warning: {warning}");
        }

        return loaded.Options;
    }
}

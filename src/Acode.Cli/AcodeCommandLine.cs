using System.CommandLine;
using Acode.Cli.Commands;

namespace Acode.Cli;

/// <summary>The <c>acode</c> command tree and its entry point.</summary>
internal static class AcodeCommandLine
{
    public static RootCommand Build()
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("acode: the run-state store of the acode agent. Inspect, migrate and diagnose the workspace database (.agent/workspace.db).");
        root.Options.Add(globals.Workspace);
        root.Options.Add(globals.Verbose);

        var db = new Command("db", "The workspace database: status, migrations, checks.");
        db.Subcommands.Add(DbStatusCommand.Create(globals));
        db.Subcommands.Add(DbMigrateCommand.Create(globals));
        db.Subcommands.Add(DbSchemaVersionCommand.Create(globals));
        db.Subcommands.Add(DbCheckCommand.Create(globals));
        db.Subcommands.Add(DbSyncCommand.Create(globals));
        db.Subcommands.Add(DbPruneCommand.Create(globals));
        root.Subcommands.Add(db);

        var session = new Command("session", "Sessions: list, show, export, import, delete, pull.");
        session.Subcommands.Add(SessionListCommand.Create(globals));
        session.Subcommands.Add(SessionShowCommand.Create(globals));
        session.Subcommands.Add(SessionExportCommand.Create(globals));
        session.Subcommands.Add(SessionImportCommand.Create(globals));
        session.Subcommands.Add(SessionDeleteCommand.Create(globals));
        session.Subcommands.Add(SessionPullCommand.Create(globals));
        root.Subcommands.Add(session);

        root.Subcommands.Add(ImportCommand.Create(globals));
        root.Subcommands.Add(DemoCommand.Create(globals));
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        ParseResult parseResult = Build().Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parseResult.Errors)
            {
                Console.Error.WriteLine($"Error: {error.Message}");
            }

            Console.Error.WriteLine($"Try: acode {string.Join(' ', parseResult.CommandResult.Command.Name == "acode" ? [] : CommandPath(parseResult))} --help".Replace("  ", " ", StringComparison.Ordinal));
            return ExitCodes.Usage;
        }

        // Commands are short and every write is one transaction, so Ctrl+C may end them at once;
        // the long-running 'db sync --watch' handles its own signals to stop gracefully.
        return await parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static IEnumerable<string> CommandPath(ParseResult parseResult)
    {
        var names = new Stack<string>();
        for (System.CommandLine.Parsing.SymbolResult? result = parseResult.CommandResult; result is System.CommandLine.Parsing.CommandResult command && command.Parent is not null; result = command.Parent)
        {
            names.Push(command.Command.Name);
        }

        return names;
    }
}

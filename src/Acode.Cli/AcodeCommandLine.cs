using System.CommandLine;
using Acode.Cli.Commands;

namespace Acode.Cli;

/// <summary>The <c>acode</c> command tree and its entry point.</summary>
internal static class AcodeCommandLine
{
    public static RootCommand Build()
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("acode: the run-state store of the acode agent. Inspect, search, import, sync, migrate and diagnose the workspace database (.agent/workspace.db).");
        root.Options.Add(globals.Workspace);
        root.Options.Add(globals.Verbose);

        var db = new Command("db");
        db.Subcommands.Add(DbStatusCommand.Create(globals));
        db.Subcommands.Add(DbMigrateCommand.Create(globals));
        db.Subcommands.Add(DbSchemaVersionCommand.Create(globals));
        db.Subcommands.Add(DbCheckCommand.Create(globals));
        db.Subcommands.Add(DbSyncCommand.Create(globals));
        db.Subcommands.Add(DbPruneCommand.Create(globals));
        db.Description = Listing("The workspace database and its sync", db);
        root.Subcommands.Add(db);

        var session = new Command("session");
        session.Subcommands.Add(SessionListCommand.Create(globals));
        session.Subcommands.Add(SessionShowCommand.Create(globals));
        session.Subcommands.Add(SessionSearchCommand.Create(globals));
        session.Subcommands.Add(SessionExportCommand.Create(globals));
        session.Subcommands.Add(SessionImportCommand.Create(globals));
        session.Subcommands.Add(SessionDeleteCommand.Create(globals));
        session.Subcommands.Add(SessionPullCommand.Create(globals));
        session.Description = Listing("Sessions", session);
        root.Subcommands.Add(session);

        root.Subcommands.Add(ImportCommand.Create(globals));
        root.Subcommands.Add(DemoCommand.Create(globals));
        root.Subcommands.Add(Ui.UiCommand.Create(globals));
        CommandHelp.Apply(root);
        return root;
    }

    /// <summary>A group's one-line description: what it is about, then its subcommands' names, so that it cannot leave one out.</summary>
    private static string Listing(string subject, Command group) => $"{subject}: {string.Join(", ", group.Subcommands.Select(c => c.Name))}.";

    public static async Task<int> RunAsync(string[] args)
    {
        // Ctrl+C and SIGTERM are handled by StopSignals alone (System.CommandLine's own handling is off), from the start:
        // most commands are short and every write is one transaction, so a signal may end them at once; 'db sync', the
        // watches and 'ui' stop gracefully.
        StopSignals.Listen();
        Output.StandardErrorStream.Install();
        Output.StandardOutput.Install();
        RootCommand root = Build();
        args = EmptyJoinedValue.Split(args, root);
        ParseResult parseResult = root.Parse(args);
        // --help (and --version) answers even when the rest of the line is incomplete ('acode session show --help').
        if (parseResult.Action is not { ClearsParseErrors: true } && ParseErrorMessages.Describe(parseResult, args) is ({ } errors, { } hint))
        {
            foreach (string error in errors)
            {
                // A parse error quotes what was typed: shown as the command errors are, hidden characters as \uXXXX.
                Console.Error.WriteLine($"Error: {CommandAction.Printable(error)}");
            }

            Console.Error.WriteLine($"Try: {CommandAction.Printable(hint)}");
            return ExitCodes.Usage;
        }

        if (CommandAction.StopsGracefully(parseResult))
        {
            StopSignals.StopGracefully();
        }
        else
        {
            // A short command: its output is buffered (a long listing in a few writes), and written when it ends.
            Output.StandardOutput.Buffer();
            StopSignals.EndAtOnce();
        }

        try
        {
            int exitCode = await parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, StopSignals.Token);
            Output.StandardOutput.Flush(); // --help and --version; a command has written its own
            return exitCode;
        }
        catch (Exception ex)
        {
            return CommandAction.Handle(ex, parseResult.GetValue<bool>("--verbose"));
        }
    }
}

using System.CommandLine;
using Acode.Application;
using Acode.Cli.Demo;
using Acode.Cli.Output;
using Acode.Infrastructure.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode demo</c>: records realistic sample sessions so a new user has something to look at.</summary>
internal static class DemoCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var count = new Option<int>("--sessions") { Description = "How many sample sessions to record (1 to 10000).", DefaultValueFactory = _ => 1, CustomParser = WholeNumberRange.Parser("--sessions", 1, 10_000) };
        var command = new Command("demo", "Record a realistic sample session (tasks, steps, tool calls, artifacts, events, state changes) through the store API.\n\nExample:\n  acode demo && acode session list") { count };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            int sessions = context.ParseResult.GetValue(count);

            SqliteWorkspaceDatabase database = context.OpenDatabase();
            var recorder = new DemoSessionRecorder(context.Services.GetRequiredService<IRunStateStore>());
            for (int i = 0; i < sessions; i++)
            {
                Session session;
                try
                {
                    session = await recorder.RecordAsync(i % 3, cancellationToken);
                }
                catch (Exception) when (recorder.Unfinished is { } part)
                {
                    // Said before the error ends the command: what was saved stays (each save is one transaction).
                    Output.StandardOutput.FlushBeforeError();
                    System.Console.Error.WriteLine($"Note: sample session {part} was recorded only in part (its saves before the failure below are kept, as an agent's would be); remove it with 'acode session delete {part} --yes'.");
                    throw;
                }

                context.Console.WriteLine($"Recorded {session.Id} [{session.State}] {Display.Plain(session.Title)}");
            }

            context.Console.WriteLine($"Database: {Display.Plain(database.Workspace.DatabasePath)}");
            context.Console.WriteLine("Next: acode session list, then acode session show <id>");
            return ExitCodes.Success;
        });
        return command;
    }
}

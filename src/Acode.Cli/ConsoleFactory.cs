using Spectre.Console;

namespace Acode.Cli;

/// <summary>
/// The Spectre console for human output: colours only on a terminal, a wide fixed width for tables when redirected so
/// output is stable (COLUMNS, when set to a number, chooses another width, as for other Unix tools), and prose then
/// never broken into lines (<see cref="Output.UnwrappedProseConsole"/>).
/// </summary>
internal static class ConsoleFactory
{
    public const int RedirectedWidth = 200;

    public static IAnsiConsole Create()
    {
        bool redirected = System.Console.IsOutputRedirected;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(System.Console.Out),
        });
        if (redirected)
        {
            console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns is >= 20 and <= 1000 ? columns : RedirectedWidth;
            return new Output.UnwrappedProseConsole(console);
        }

        return console;
    }
}

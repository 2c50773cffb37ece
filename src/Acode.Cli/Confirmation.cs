using System.CommandLine;

namespace Acode.Cli;

/// <summary>The yes/no question before a command removes data; never waits on a standard input that is not a terminal.</summary>
internal static class Confirmation
{
    /// <summary>Returns when <paramref name="yes"/> was given or the user answers y/yes on the terminal.</summary>
    /// <param name="parseResult">The command line: suggested again with --yes, every option and argument kept (see <see cref="InvokedCommand"/>).</param>
    /// <param name="yes">The command's --yes option.</param>
    /// <param name="dryRun">The command's --dry-run option.</param>
    /// <param name="question">The question, without the [y/N].</param>
    /// <param name="pinned">Options whose values the suggestion writes as given here (<see cref="InvokedCommand"/>): a relative time as the instant it meant, so the pasted command removes what this one would have.</param>
    /// <exception cref="UsageException">Exit 2 when standard input is not a terminal (pass --yes); 130 when the user did not answer yes.</exception>
    public static void Require(ParseResult parseResult, Option<bool> yes, Option<bool> dryRun, string question, IReadOnlyList<(Option Option, string Value)>? pinned = null)
    {
        if (parseResult.GetValue(yes))
        {
            return;
        }

        IReadOnlyList<(Option Option, string Value)> written = pinned ?? [];
        string confirmed = InvokedCommand.With(parseResult, yes, written);
        if (Console.IsInputRedirected)
        {
            throw new UsageException(
                "Standard input is not a terminal, so acode cannot ask whether to go ahead, and nothing was removed.",
                $"Run the same command with --yes to confirm: {confirmed}   (or first see what it would remove: {InvokedCommand.With(parseResult, dryRun, written)})");
        }

        Console.Error.Write($"{question} [y/N] ");
        string? answer = Console.ReadLine()?.Trim();
        if (!string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException("Not confirmed: nothing was removed.", $"Answer y to go ahead, or run the same command with --yes: {confirmed}", 130);
        }
    }
}

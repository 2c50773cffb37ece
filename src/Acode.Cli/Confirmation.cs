namespace Acode.Cli;

/// <summary>The yes/no question before a command removes data; never waits on a standard input that is not a terminal.</summary>
internal static class Confirmation
{
    /// <summary>Returns when <paramref name="yes"/> was given or the user answers y/yes on the terminal.</summary>
    /// <exception cref="UsageException">Exit 2 when standard input is not a terminal (pass --yes); 130 when the user did not answer yes.</exception>
    public static void Require(bool yes, string question, string command)
    {
        if (yes)
        {
            return;
        }

        if (Console.IsInputRedirected)
        {
            throw new UsageException(
                $"Standard input is not a terminal, so acode cannot ask whether to go ahead, and nothing was removed.",
                $"Run the same command with --yes to confirm (e.g. {command} --yes), or with --dry-run to see what it would remove.");
        }

        Console.Error.Write($"{question} [y/N] ");
        string? answer = Console.ReadLine()?.Trim();
        if (!string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException("Not confirmed: nothing was removed.", $"Answer y to go ahead, or pass --yes ({command} --yes).", 130);
        }
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;
using Acode.Infrastructure;

namespace Acode.Cli;

/// <summary>
/// The command line the user ran, printed back so that pasting it repeats exactly that command: every option and
/// argument (the workspace option included), shell-quoted. A suggestion that dropped one could remove more than asked,
/// or act on another workspace.
/// </summary>
internal static class InvokedCommand
{
    /// <summary>
    /// <c>acode</c> and the parsed tokens, with <paramref name="option"/>'s name added when the line does not have it
    /// (before any <c>--</c>: after it, it would be read as an argument).
    /// </summary>
    public static string With(ParseResult parseResult, Option option)
    {
        bool added = parseResult.GetResult(option) is { Implicit: false };
        var arguments = new List<string>(parseResult.Tokens.Count + 1);
        foreach (Token token in parseResult.Tokens)
        {
            if (token.Type == TokenType.DoubleDash && !added)
            {
                arguments.Add(option.Name);
                added = true;
            }

            arguments.Add(token.Value);
        }

        if (!added)
        {
            arguments.Add(option.Name);
        }

        return "acode " + ShellQuoting.Join(arguments);
    }
}

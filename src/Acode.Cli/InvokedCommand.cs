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
    /// <c>acode</c> and the parsed tokens, with <paramref name="option"/>'s name added when the line does not have it, or
    /// has it switched off (<c>--dry-run false</c>), before any <c>--</c> (after it, it would be read as an argument).
    /// </summary>
    public static string With(ParseResult parseResult, Option option) => With(parseResult, option, []);

    /// <summary>
    /// <see cref="With(ParseResult, Option)"/>, with each pinned option's value written as given here instead of as typed
    /// (a time such as <c>1h</c>, which means another instant when the line is pasted later, as the instant it meant now),
    /// or added when the line does not have that option (an option given more than once is added once per pin).
    /// </summary>
    /// <param name="parseResult">The command line.</param>
    /// <param name="option">The option added when the line does not have it (<c>--yes</c>, <c>--dry-run</c>).</param>
    /// <param name="pinned">Single-valued options when the line has them; options of any arity when it does not.</param>
    public static string With(ParseResult parseResult, Option option, IReadOnlyList<(Option Option, string Value)> pinned)
        => With(parseResult, option, pinned, new HashSet<string>());

    /// <summary>
    /// <see cref="With(ParseResult, Option)"/> without the arguments in <paramref name="dropped"/> (as typed): the
    /// command that finishes what an interrupted one left, such as the ids a stopped <c>session delete</c> did not reach.
    /// </summary>
    public static string Without(ParseResult parseResult, Option option, IReadOnlySet<string> dropped)
        => With(parseResult, option, [], dropped);

    private static string With(ParseResult parseResult, Option option, IReadOnlyList<(Option Option, string Value)> pinned, IReadOnlySet<string> dropped)
    {
        var added = new List<string>();
        var removed = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        OptionResult? given = parseResult.GetResult(option);
        if (given is not { Implicit: false })
        {
            added.Add(option.Name);
        }
        else if (option is Option<bool> flag && !parseResult.GetValue(flag))
        {
            // Given switched off ('--dry-run false', '--yes=false'): the suggestion has it on, as its words say (trial AH 4).
            if (given.IdentifierToken is { } typed)
            {
                removed.Add(typed);
            }

            removed.UnionWith(given.Tokens);
            added.Add(option.Name);
        }

        var replaced = new Dictionary<Token, string>(ReferenceEqualityComparer.Instance);
        foreach ((Option pin, string value) in pinned)
        {
            if (parseResult.GetResult(pin) is { Implicit: false, Tokens: [Token typed] })
            {
                replaced[typed] = value;
            }
            else
            {
                added.Add(pin.Name);
                added.Add(value);
            }
        }

        var arguments = new List<string>(parseResult.Tokens.Count + added.Count);
        foreach (Token token in parseResult.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                arguments.AddRange(added);
                added.Clear();
            }

            if ((token.Type == TokenType.Argument && dropped.Contains(token.Value)) || removed.Contains(token))
            {
                continue;
            }

            arguments.Add(replaced.TryGetValue(token, out string? value) ? value : token.Value);
        }

        arguments.AddRange(added);
        return "acode " + ShellQuoting.Join(arguments);
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Acode.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into acode's <c>Error:</c>/<c>Try:</c> lines: a mistyped command or option
/// gets "Did you mean …?", a value that does not convert says what was expected (never a .NET type name), and the
/// follow-on noise of one mistake ("Required command was not provided" after an unknown command) is left out.
/// </summary>
internal static class ParseErrorMessages
{
    /// <summary>The errors to print (without the <c>Error: </c> prefix) and the one <c>Try:</c> hint.</summary>
    public static (IReadOnlyList<string> Errors, string Hint) Describe(ParseResult parseResult)
    {
        Command command = parseResult.CommandResult.Command;
        string path = CommandPath(parseResult);
        string help = $"{path} --help";
        if (parseResult.UnmatchedTokens.Count > 0)
        {
            return Unrecognized(parseResult, command, path, help);
        }

        var errors = new List<string>();
        foreach (ParseError error in parseResult.Errors)
        {
            errors.Add(Describe(error, path) ?? Scrub(error.Message));
        }

        return (errors.Distinct().ToList(), help);
    }

    private static (IReadOnlyList<string> Errors, string Hint) Unrecognized(ParseResult parseResult, Command command, string path, string help)
    {
        string token = parseResult.UnmatchedTokens[0];
        if (AfterDoubleDash(parseResult, token))
        {
            // After "--" every token is an argument, so an option typed there is one argument too many, not a typo.
            string kind = token.StartsWith('-') && token.Length > 1 ? "is read as an argument, not an option" : "is one argument too many";
            return ([$"'{token}' comes after '--', so it {kind}: '{path}' takes no more arguments. Put options before '--'."], help);
        }

        bool isOption = token.StartsWith('-') && token.Length > 1;
        IEnumerable<string> candidates = isOption
            ? OptionsOf(parseResult).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal))
            : command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name));
        string? nearest = NearestName.Find(token, candidates);
        string what = isOption ? $"'{token}' is not an option of '{path}'."
            : command.Subcommands.Count > 0 ? $"'{token}' is not a command of '{path}'."
            : $"'{path}' does not take the argument '{token}'.";
        return nearest is null
            ? ([what], help)
            : ([$"{what} Did you mean '{nearest}'?"], isOption ? help : $"{path} {nearest} --help");
    }

    /// <summary>True when <paramref name="token"/> was typed after a <c>--</c> (which ends the options).</summary>
    private static bool AfterDoubleDash(ParseResult parseResult, string token)
    {
        bool seen = false;
        foreach (Token t in parseResult.Tokens)
        {
            if (t.Type == TokenType.DoubleDash)
            {
                seen = true;
            }
            else if (seen && string.Equals(t.Value, token, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string? Describe(ParseError error, string path)
    {
        if (HasOwnParser(error.SymbolResult))
        {
            // acode's own parser (e.g. 'ui --port') words its error itself: one message for any value it refuses.
            return error.Message;
        }

        switch (error.SymbolResult)
        {
            case CommandResult { Command: { Subcommands.Count: > 0, Action: null } group } result when result.Tokens.Count == 0:
                return $"'{path}' needs a command: {string.Join(", ", group.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}.";
            case OptionResult option:
                return Unconvertible(option.Tokens, option.Option.ValueType, option.Option.Name) ?? NotAmong(option);
            case ArgumentResult argument:
                string name = argument.Parent is OptionResult parent ? parent.Option.Name : $"<{argument.Argument.Name}>";
                return Unconvertible(argument.Tokens, argument.Argument.ValueType, name);
            default:
                return null;
        }
    }

    private static bool HasOwnParser(SymbolResult? result) => result switch
    {
        OptionResult { Option: Option<int> { CustomParser: not null } } => true,
        ArgumentResult { Argument: Argument<int> { CustomParser: not null } } => true,
        ArgumentResult { Parent: OptionResult { Option: Option<int> { CustomParser: not null } } } => true,
        _ => false,
    };

    /// <summary>For a value that does not convert to the option's type, what was expected in words; null when the tokens do convert.</summary>
    private static string? Unconvertible(IReadOnlyList<Token> tokens, Type valueType, string name)
    {
        Type type = valueType.IsArray ? valueType.GetElementType()! : valueType;
        type = Nullable.GetUnderlyingType(type) ?? type;
        foreach (Token token in tokens)
        {
            string value = token.Value;
            if (type.IsEnum && !Enum.TryParse(type, value, ignoreCase: true, out _))
            {
                return $"'{value}' is not a valid value for {name}: expected one of {string.Join(", ", Enum.GetNames(type))}.";
            }

            if ((type == typeof(int) && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                || (type == typeof(long) && !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
            {
                bool tooLarge = System.Numerics.BigInteger.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
                string largest = type == typeof(int) ? int.MaxValue.ToString(CultureInfo.InvariantCulture) : long.MaxValue.ToString(CultureInfo.InvariantCulture);
                return tooLarge
                    ? $"'{value}' is not a valid value for {name}: it is too large (at most {largest})."
                    : $"'{value}' is not a valid value for {name}: expected a whole number.";
            }

            if (type == typeof(double) && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return $"'{value}' is not a valid value for {name}: expected a number.";
            }
        }

        return null;
    }

    /// <summary>
    /// For a value outside an option's fixed list (<c>AcceptOnlyFromAmong</c>, whose values are the option's completions):
    /// the list in one line and the nearest value; null for any other error.
    /// </summary>
    private static string? NotAmong(OptionResult option)
    {
        string[] allowed = [.. option.Option.GetCompletions(System.CommandLine.Completions.CompletionContext.Empty).Select(c => c.Label)];
        if (allowed.Length == 0)
        {
            return null;
        }

        foreach (Token token in option.Tokens)
        {
            if (!allowed.Contains(token.Value, StringComparer.Ordinal))
            {
                string? nearest = NearestName.Find(token.Value, allowed);
                string what = $"'{token.Value}' is not a valid value for {option.Option.Name}: expected one of {string.Join(", ", allowed)}.";
                return nearest is null ? what : $"{what} Did you mean '{nearest}'?";
            }
        }

        return null;
    }

    /// <summary>A last guard for messages this class does not know: never show a .NET type name.</summary>
    private static string Scrub(string message)
        => System.Text.RegularExpressions.Regex.Replace(message, @" as expected type '[^']*'", string.Empty, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));

    private static IEnumerable<Option> OptionsOf(ParseResult parseResult)
    {
        for (SymbolResult? result = parseResult.CommandResult; result is not null; result = result.Parent)
        {
            if (result is CommandResult commandResult)
            {
                foreach (Option option in commandResult.Command.Options.Where(o => !o.Hidden && (o.Recursive || commandResult == parseResult.CommandResult)))
                {
                    yield return option;
                }
            }
        }
    }

    private static string CommandPath(ParseResult parseResult)
    {
        var names = new Stack<string>();
        for (SymbolResult? result = parseResult.CommandResult; result is CommandResult command; result = command.Parent)
        {
            names.Push(command.Parent is null ? "acode" : command.Command.Name);
        }

        return string.Join(' ', names);
    }
}

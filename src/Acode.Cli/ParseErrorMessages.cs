using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Acode.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into acode's <c>Error:</c>/<c>Try:</c> lines: a mistyped command or option
/// gets "Did you mean …?", a value that does not convert says what was expected (never a .NET type name), and the
/// follow-on noise of one mistake ("Required command was not provided" after an unknown command) is left out.
/// A word that looks like an option but is none of the command's is reported as that, even where System.CommandLine
/// took it for the command's argument (<c>session show --jsno sess_…</c>): the argument is never blamed for it.
/// </summary>
internal static class ParseErrorMessages
{
    /// <summary>Of a word of the command line quoted in an error, at most this many characters are shown (trial AT 6: a 400-digit value was echoed whole).</summary>
    public const int ShownLength = 100;

    /// <summary>A word of the command line as an error quotes it: cut at <see cref="ShownLength"/> characters, "…" after a cut.</summary>
    public static string Shown(string word) => Output.TextCut.Cut(word, ShownLength);

    /// <summary>
    /// The usage errors of the command line, to print (without the <c>Error: </c> prefix), and the one <c>Try:</c> hint;
    /// null when there are none. A usage error is one System.CommandLine found, a word that looks like an option and is
    /// none of the command's (System.CommandLine takes such a word for an argument when the command has one), or an
    /// option that needs a value followed by another option or by nothing.
    /// </summary>
    /// <param name="parseResult">The parsed command line.</param>
    /// <param name="args">The words as typed (to tell <c>-o --force</c> from <c>-o=--force</c>, which System.CommandLine parses alike).</param>
    public static (IReadOnlyList<string> Errors, string Hint)? Describe(ParseResult parseResult, IReadOnlyList<string> args)
    {
        Command command = parseResult.CommandResult.Command;
        string path = CommandPath(parseResult);
        string help = $"{path} --help";
        if (UnknownOption(parseResult) is { } unknown)
        {
            return ([NotAnOption(parseResult, command, path, unknown)], help);
        }

        if (WithoutValue(parseResult, args) is { } withoutValue)
        {
            return ([withoutValue], help);
        }

        if (SwitchGivenAWord(parseResult, args) is { } switchWord)
        {
            return ([switchWord], help);
        }

        if (parseResult.Errors.Count == 0)
        {
            return null;
        }

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

    /// <summary>
    /// A switch (a true/false option) typed joined to a word that is neither (<c>--dry-run=no</c>, <c>--yes=sess_…</c>):
    /// said of the switch. System.CommandLine turns the switch on and takes the word for one more argument: a command
    /// without arguments blamed it ("'acode db prune' does not take the argument 'no'", trial AH 5), and one taking ids
    /// acted on it (<c>session delete sess_A --yes=sess_B</c> deleted both, trial AI 1). Null when there is none (before
    /// any <c>--</c>).
    /// </summary>
    private static string? SwitchGivenAWord(ParseResult parseResult, IReadOnlyList<string> args)
    {
        Dictionary<string, Option> switches = [];
        foreach (Option option in OptionsOf(parseResult).Where(o => o.ValueType == typeof(bool)))
        {
            foreach (string name in option.Aliases.Prepend(option.Name))
            {
                switches.TryAdd(name, option);
            }
        }

        foreach (string arg in args.TakeWhile(a => a != "--"))
        {
            int joined = arg.IndexOfAny(['=', ':']);
            if (joined > 0 && arg.StartsWith('-') && switches.ContainsKey(arg[..joined]) && !bool.TryParse(arg[(joined + 1)..], out _))
            {
                string name = arg[..joined];
                return $"{name} is a switch: give it alone to turn it on, or {name}=true / {name}=false; '{Shown(arg[(joined + 1)..])}' is neither.";
            }
        }

        return null;
    }

    private static (IReadOnlyList<string> Errors, string Hint) Unrecognized(ParseResult parseResult, Command command, string path, string help)
    {
        string token = parseResult.UnmatchedTokens[0];
        if (AfterDoubleDash(parseResult, token) && !token.StartsWith('-') && QueryGiven(parseResult, command) is { } dashedQuery)
        {
            // 'acode session search -- -retry timeout': the words of one query that starts with '-', split by the shell.
            return ([$"'{path}' takes one query, and '{Shown(token)}' is a second argument: a query of several words is one argument, in quotes."],
                $"{path} -- {Acode.Infrastructure.ShellQuoting.Quote($"{dashedQuery} {token}")}   (all its words must match; see docs/search.md)");
        }

        if (AfterDoubleDash(parseResult, token))
        {
            // After "--" every token is an argument, so an option typed there is one argument too many, not a typo.
            string kind = token.StartsWith('-') && token.Length > 1 ? "is read as an argument, not an option" : "is one argument too many";
            return ([$"'{Shown(token)}' comes after '--', so it {kind}: '{path}' takes no more arguments. Put options before '--'."], help);
        }

        bool isOption = token.StartsWith('-') && token.Length > 1;
        IEnumerable<string> candidates = isOption
            ? OptionsOf(parseResult).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal))
            : command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name));
        if (!isOption && QueryGiven(parseResult, command) is { } query)
        {
            // 'acode session search fix parser': the shell split the words of one query.
            return ([$"'{path}' takes one query, and '{Shown(token)}' is a second argument: a query of several words is one argument, in quotes."],
                $"{path} {Acode.Infrastructure.ShellQuoting.Quote($"{query} {token}")}   (all its words must match; see docs/search.md)");
        }

        string? nearest = NearestName.Find(token, candidates);
        string what = isOption ? $"'{Shown(token)}' is not an option of '{path}'."
            : command.Subcommands.Count > 0 ? $"'{Shown(token)}' is not a command of '{path}'."
            : $"'{path}' does not take the argument '{Shown(token)}'.";
        return nearest is null
            ? ([what], help)
            : ([$"{what} Did you mean '{nearest}'?"], isOption ? help : $"{path} {nearest} --help");
    }

    /// <summary>The value of the command's <c>query</c> argument (<c>session search</c>) when one was given; null otherwise.</summary>
    private static string? QueryGiven(ParseResult parseResult, Command command)
        => command.Arguments.FirstOrDefault(a => a.Name == "query") is { } argument && parseResult.GetResult(argument) is { Tokens: [{ } first, ..] }
            ? first.Value
            : null;

    /// <summary>
    /// The first word before any <c>--</c> that looks like an option (<c>-x</c>, <c>--word</c>) and is neither an option
    /// of the command nor the value of one; null when there is none. Not such a word: <c>-</c> alone (standard input), a
    /// word with a space in it (a quoted search query such as <c>'-retry timeout'</c>), a negative number where the
    /// command takes a number, and a <c>-name</c> that is an existing file or folder where the command takes a path.
    /// </summary>
    private static string? UnknownOption(ParseResult parseResult)
    {
        var optionValues = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        CollectOptionValues(parseResult.RootCommandResult, optionValues);
        bool takesNumber = parseResult.CommandResult.Command.Arguments.Any(a => IsNumber(a.ValueType));
        bool takesPath = parseResult.CommandResult.Command.Arguments.Any(a => a.Name is "path" or "file");
        foreach (Token token in parseResult.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                return null;
            }

            string value = token.Value;
            if (token.Type != TokenType.Argument || optionValues.Contains(token) || value.Length < 2 || value[0] != '-' || value.Any(char.IsWhiteSpace))
            {
                continue;
            }

            if (takesNumber && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            if (takesPath && !value.StartsWith("--", StringComparison.Ordinal) && Path.Exists(value))
            {
                // Claude Code's project folders are named like '-home-dev-app': typed in ~/.claude/projects, it is that folder.
                continue;
            }

            return value;
        }

        return null;
    }

    /// <summary>
    /// An option that needs a value typed without one, said as <c>MissingValue</c> says it; null when every such
    /// option has its value. System.CommandLine takes the next word as the value even when it is another option of the
    /// command (<c>session export … -o --force</c> wrote a file named <c>--force</c>), and lets a second <c>-w</c> at the
    /// end of the line go unnoticed when an earlier one had a value. A value that is an option's name is still given
    /// joined to its option (<c>--title=--json</c>).
    /// </summary>
    private static string? WithoutValue(ParseResult parseResult, IReadOnlyList<string> args)
    {
        IReadOnlyList<Token> tokens = parseResult.Tokens;
        Dictionary<string, Option> names = [];
        foreach (Option known in OptionsOf(parseResult))
        {
            foreach (string name in known.Aliases.Prepend(known.Name))
            {
                names.TryAdd(name, known);
            }
        }

        for (int i = 0; i < tokens.Count; i++)
        {
            Token token = tokens[i];
            if (token.Type == TokenType.DoubleDash)
            {
                return null;
            }

            if (token.Type != TokenType.Option || !names.TryGetValue(token.Value, out Option? option) || option.Arity.MinimumNumberOfValues == 0)
            {
                continue;
            }

            Token? next = i + 1 < tokens.Count ? tokens[i + 1] : null;
            if (next is null || next.Type == TokenType.DoubleDash)
            {
                return MissingValue(token.Value, option);
            }

            if (names.ContainsKey(next.Value) && !TypedJoined(args, token.Value, next.Value))
            {
                return $"{MissingValue(token.Value, option)} '{Shown(next.Value)}' after it is an option, not its value"
                    + (option.ValueType == typeof(string) ? $" (to give that as the value, write {token.Value}={next.Value})." : ".");
            }

            i++;
        }

        return null;
    }

    /// <summary>Whether <paramref name="option"/> and <paramref name="value"/> were typed as one word (<c>--title=--json</c>, <c>--title:--json</c>).</summary>
    private static bool TypedJoined(IReadOnlyList<string> args, string option, string value)
        => args.Contains($"{option}={value}", StringComparer.Ordinal) || args.Contains($"{option}:{value}", StringComparer.Ordinal);

    private static void CollectOptionValues(SymbolResult result, HashSet<Token> values)
    {
        if (result is OptionResult option)
        {
            values.UnionWith(option.Tokens);
        }
        else if (result is CommandResult command)
        {
            foreach (SymbolResult child in command.Children)
            {
                CollectOptionValues(child, values);
            }
        }
    }

    private static bool IsNumber(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(decimal);
    }

    /// <summary>
    /// "'--jsno' is not an option of 'acode session show'. Did you mean '--json'?"; for an option other commands have
    /// but this one has not (<c>session import --json</c>), says so; otherwise, for <c>-word</c> where the command takes
    /// arguments (a search query, a file name), how to give an argument that starts with <c>-</c>.
    /// </summary>
    private static string NotAnOption(ParseResult parseResult, Command command, string path, string token)
    {
        string name = token.Split('=', 2)[0];
        string what = $"'{Shown(token)}' is not an option of '{path}'.";
        string? nearest = NearestName.Find(name, OptionsOf(parseResult).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)));
        if (nearest is not null)
        {
            return $"{what} Did you mean '{nearest}'?";
        }

        if (OptionNames(parseResult.RootCommandResult.Command).Contains(name, StringComparer.Ordinal))
        {
            return $"'{path}' has no option '{name}' (other acode commands have it, this one does not).";
        }

        if (command.Arguments.Any(a => a.Name == "query") && !token.StartsWith("--", StringComparison.Ordinal))
        {
            // In a search query '-word' excludes the word (docs/search.md): alone it finds nothing, so the suggestion
            // gives it a word to search for beside it (trial AF 6: '-- -retry' alone was refused next).
            return $"{what} In a query, {token} excludes the word '{token[1..]}': put it after '--' with a word to search for, in quotes: {path} -- 'timeout {token}'";
        }

        return command.Arguments.Count > 0 && !token.StartsWith("--", StringComparison.Ordinal)
            ? $"{what} An argument that starts with '-' goes after '--': {path} -- {token}"
            : what;
    }

    /// <summary>Every option name and alias of <paramref name="command"/> and the commands under it.</summary>
    private static IEnumerable<string> OptionNames(Command command)
        => command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Concat(command.Subcommands.SelectMany(OptionNames));

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
            case CommandResult result when Missing(result.Command, result) is { } missing:
                return MissingArgument(missing, path);
            case ArgumentResult { Parent: CommandResult } argument when argument.Tokens.Count < argument.Argument.Arity.MinimumNumberOfValues:
                return MissingArgument(argument.Argument, path);
            case OptionResult option when option.Tokens.Count < option.Option.Arity.MinimumNumberOfValues:
                return MissingValue(option);
            case ArgumentResult { Parent: OptionResult option } when option.Tokens.Count < option.Option.Arity.MinimumNumberOfValues:
                return MissingValue(option);
            case OptionResult option:
                return Unconvertible(option.Tokens, option.Option.ValueType, option.Option.Name) ?? NotAmong(option);
            case ArgumentResult argument:
                string name = argument.Parent is OptionResult parent ? parent.Option.Name : $"<{argument.Argument.Name}>";
                return Unconvertible(argument.Tokens, argument.Argument.ValueType, name);
            default:
                return null;
        }
    }

    /// <summary>The first argument of <paramref name="command"/> that needs a value and was given none; null when none is missing.</summary>
    private static Argument? Missing(Command command, CommandResult result)
        => command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0
            && (result.GetResult(a) is not ArgumentResult given || given.Tokens.Count < a.Arity.MinimumNumberOfValues));

    /// <summary>A missing argument in words, with what it is (System.CommandLine says only "Required argument missing for command").</summary>
    private static string MissingArgument(Argument argument, string path)
        => $"'{path}' needs its <{argument.Name}> argument" + (argument.Description is { Length: > 0 } what ? $": {what.TrimEnd('.')}." : ".");

    /// <summary>An option given without its value, named as typed, with what the value is (System.CommandLine says only "Required argument missing for option").</summary>
    private static string MissingValue(OptionResult option) => MissingValue(option.IdentifierToken?.Value ?? option.Option.Name, option.Option);

    private static string MissingValue(string typed, Option option)
        => $"{typed} needs a value" + (option.Description is { Length: > 0 } what ? $": {what.TrimEnd('.')}." : ".");

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
                return $"'{Shown(value)}' is not a valid value for {name}: expected one of {string.Join(", ", Enum.GetNames(type))}.";
            }

            if ((type == typeof(int) && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                || (type == typeof(long) && !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
            {
                bool tooLarge = System.Numerics.BigInteger.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
                string largest = type == typeof(int) ? int.MaxValue.ToString(CultureInfo.InvariantCulture) : long.MaxValue.ToString(CultureInfo.InvariantCulture);
                return tooLarge
                    ? $"'{Shown(value)}' is not a valid value for {name}: it is too large (at most {largest})."
                    : $"'{Shown(value)}' is not a valid value for {name}: expected a whole number.";
            }

            if (type == typeof(double) && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return $"'{Shown(value)}' is not a valid value for {name}: expected a number.";
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
                string what = $"'{Shown(token.Value)}' is not a valid value for {option.Option.Name}: expected one of {string.Join(", ", allowed)}.";
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

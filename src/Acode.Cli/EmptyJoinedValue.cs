using System.CommandLine;

namespace Acode.Cli;

/// <summary>
/// An option joined to an empty value (<c>--title=</c>, what a shell leaves of <c>--title=""</c>) as the same empty value
/// as <c>--title ""</c>. System.CommandLine reads the joined form as the option given no value (its tokenizer drops an
/// empty part after <c>=</c>), so the two spellings of one value were told apart: "needs a value" against a listing of
/// every session (trial AF 7). Split into the option and an empty word, the value meets the option's own check
/// (<c>--since=</c> is "'' is not a time", as <c>--since ""</c> is).
/// </summary>
internal static class EmptyJoinedValue
{
    /// <summary>
    /// The words with each <c>-x=</c> or <c>--name=</c> before <c>--</c> that names an option taking a value (one of
    /// <paramref name="root"/>'s tree) made two words, the option and <c>""</c>; a flag's joined form is left as it is.
    /// </summary>
    public static string[] Split(string[] args, Command root)
    {
        HashSet<string> valued = ValueTaking(root);
        int end = Array.IndexOf(args, "--");
        var split = new List<string>(args.Length + 1);
        for (int i = 0; i < args.Length; i++)
        {
            string word = args[i];
            if ((end < 0 || i < end) && word.Length > 1 && word[^1] == '=' && valued.Contains(word[..^1]))
            {
                split.Add(word[..^1]);
                split.Add(string.Empty);
            }
            else
            {
                split.Add(word);
            }
        }

        return [.. split];
    }

    /// <summary>The names and aliases of every option of the tree that takes a value.</summary>
    private static HashSet<string> ValueTaking(Command root)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var commands = new Stack<Command>([root]);
        while (commands.TryPop(out Command? command))
        {
            foreach (Option option in command.Options.Where(o => o.Arity.MinimumNumberOfValues > 0))
            {
                names.Add(option.Name);
                names.UnionWith(option.Aliases);
            }

            foreach (Command sub in command.Subcommands)
            {
                commands.Push(sub);
            }
        }

        return names;
    }
}

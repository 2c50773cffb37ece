using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Acode.Application.Options;

namespace Acode.Cli;

/// <summary>
/// Shapes <c>--help</c>: a command's full description (details, examples) is printed only in its own help; a parent's
/// command list shows each subcommand's first paragraph, with optional arguments in brackets (<c>export [&lt;id&gt;...]</c>);
/// <c>acode --help</c> ends with the environment variables and exit codes.
/// </summary>
/// <remarks>
/// System.CommandLine 2.0 keeps its help layout internal, so this wraps its help action: just before help is printed
/// (the process then ends) the listed subcommands get their short form, and the root's sections are appended after.
/// </remarks>
internal sealed class CommandHelp(HelpAction inner) : SynchronousCommandLineAction
{
    private const char Marker = '\u0001';

    private const char EndMarker = '\u0002';

    /// <summary>Installs the help on <paramref name="root"/> (its <c>--help</c> option serves every command below it).</summary>
    public static void Apply(RootCommand root)
    {
        HelpOption option = root.Options.OfType<HelpOption>().Single();
        option.Action = new CommandHelp((HelpAction)option.Action!);
    }

    /// <summary>The first paragraph of a description, its lines joined (the help writer wraps it to the width).</summary>
    public static string? Summary(string? description)
    {
        if (description is null)
        {
            return null;
        }

        string first = description.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", 2)[0];
        return string.Join(' ', first.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>As the help it wraps: help is shown even when the rest of the line is incomplete (<c>acode session show --help</c>).</summary>
    public override bool ClearsParseErrors => inner.ClearsParseErrors;

    public override int Invoke(ParseResult parseResult)
    {
        Command shown = parseResult.CommandResult.Command;
        var optionalLabels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Command child in shown.Subcommands)
        {
            child.Description = Summary(child.Description);
            foreach (Argument argument in child.Arguments.Where(a => a.Arity.MinimumNumberOfValues == 0))
            {
                // The list prints <HelpName>; a placeholder of the same length is swapped for the bracketed form after.
                string name = argument.HelpName ?? argument.Name;
                bool repeatable = argument.Arity.MaximumNumberOfValues > 1;
                argument.HelpName = Marker + name + (repeatable ? "..." : string.Empty) + EndMarker;
                optionalLabels[$"<{argument.HelpName}>"] = repeatable ? $"[<{name}>...]" : $"[<{name}>]";
            }
        }

        InvocationConfiguration configuration = parseResult.InvocationConfiguration;
        TextWriter output = configuration.Output;
        using var buffer = new StringWriter();
        int exitCode;
        configuration.Output = buffer;
        try
        {
            exitCode = inner.Invoke(parseResult);
        }
        finally
        {
            configuration.Output = output;
        }

        string text = buffer.ToString();
        foreach ((string placeholder, string label) in optionalLabels)
        {
            text = text.Replace(placeholder, label, StringComparison.Ordinal);
        }

        output.Write(text);
        if (shown is RootCommand)
        {
            WriteSection(output, "Environment variables:", EnvironmentRows());
            WriteSection(output, "Exit codes:", ExitCodeRows());
            output.WriteLine("Every error prints 'Error: ...' and 'Try: ...' on standard error. Settings and errors in full: README.md, \"Configuration\" and \"Errors and exit codes\".");
        }

        return exitCode;
    }

    private static IEnumerable<(string Name, string Text)> EnvironmentRows()
    {
        yield return ("ACODE_WORKSPACE", "The workspace folder when --workspace is not given (else the nearest folder holding .agent/, else the current folder).");
        yield return (PostgresOptions.EnvironmentVariable, "The PostgreSQL to sync with (postgresql://user@host:5432/db, or Npgsql key=value pairs); overrides persistence:postgres:connectionString. Unset: nothing is synced.");
        foreach (OptionDescriptor d in PersistenceOptionCatalog.All)
        {
            string defaultText = d.Kind == OptionKind.WholeNumber && d.Unit is not null ? $"{d.DefaultText} {d.Unit}" : d.DefaultText;
            yield return (d.EnvironmentVariable, d.Key switch
            {
                StoreOptions.KindKey => $"Sets {d.Key} for agent hosts (default: {defaultText}); the command line always works on the workspace's SQLite database and only notes a Postgres here.",
                PostgresOptions.ConnectionStringKey => $"Sets {d.Key} (default: {defaultText}); {PostgresOptions.EnvironmentVariable} overrides it.",
                _ => $"Sets {d.Key} (default: {defaultText}).",
            });
        }

        yield return ("COLUMNS", $"The width of tables and trees when output is redirected (20 to 1000; default {ConsoleFactory.RedirectedWidth}).");
    }

    private static IEnumerable<(string Name, string Text)> ExitCodeRows() =>
    [
        ("0", "Success."),
        ("1", "The command ran and the answer is no: a check found problems, no such session, no workspace where a read-only command looked, db sync could not deliver every record."),
        ("2", "Usage error: unknown command or option, bad value, unreadable input, an ambiguous id prefix, an output file with content (without --force)."),
        ("3", "Unexpected internal error (a bug): please report it with the --verbose output."),
        ("11-17", "ACODE-DB-001 to ACODE-DB-007 (10 + its number): cannot open (11), corrupt or not an acode database (12), migration failed (13), schema newer than this program (14), busy (15), PostgreSQL unreachable or refusing (16), invalid configuration (17)."),
        ("129", "Stopped by SIGHUP (the terminal or SSH session closed), handled as SIGTERM is."),
        ("130", "Cancelled: stopped by Ctrl+C (SIGINT), or a confirmation answered no."),
        ("141", "The reader of standard output went away before it was complete (| head): stopped, as a process SIGPIPE ended; nothing more is said."),
        ("143", "Stopped by SIGTERM."),
    ];

    /// <summary>A heading, then two indented columns like System.CommandLine's own sections, the second wrapped to the width.</summary>
    private static void WriteSection(TextWriter output, string heading, IEnumerable<(string Name, string Text)> rows)
    {
        List<(string Name, string Text)> list = [.. rows];
        int first = list.Max(r => r.Name.Length) + 4;
        int width = Math.Max(30, Width() - first);
        output.WriteLine(heading);
        foreach ((string name, string text) in list)
        {
            string prefix = ("  " + name).PadRight(first);
            foreach (string line in Wrap(text, width))
            {
                output.WriteLine(prefix + line);
                prefix = new string(' ', first);
            }
        }

        output.WriteLine();
    }

    private static int Width()
    {
        try
        {
            return Console.IsOutputRedirected || Console.WindowWidth < 40 ? 120 : Console.WindowWidth;
        }
        catch (IOException)
        {
            return 120;
        }
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new System.Text.StringBuilder();
        foreach (string word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        yield return line.ToString();
    }
}

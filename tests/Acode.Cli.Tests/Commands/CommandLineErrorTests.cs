using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>Command-line mistakes get a plain message, the nearest command or option, and exit 2; never a .NET type or parameter name.</summary>
public sealed class CommandLineErrorTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Theory]
    [InlineData("sesion", "'sesion' is not a command of 'acode'. Did you mean 'session'?", "Try: acode session --help")]
    [InlineData("session lst", "'lst' is not a command of 'acode session'. Did you mean 'list'?", "Try: acode session list --help")]
    [InlineData("db stauts", "'stauts' is not a command of 'acode db'. Did you mean 'status'?", "Try: acode db status --help")]
    [InlineData("session list --lmit 3", "'--lmit' is not an option of 'acode session list'. Did you mean '--limit'?", "Try: acode session list --help")]
    [InlineData("session list --verbos", "'--verbos' is not an option of 'acode session list'. Did you mean '--verbose'?", "Try: acode session list --help")]
    [InlineData("session search fix parser", "'acode session search' takes one query, and 'parser' is a second argument: a query of several words is one argument, in quotes.", "Try: acode session search 'fix parser'   (all its words must match; see docs/search.md)")]
    [InlineData("session search -- -retry timeout", "'acode session search' takes one query, and 'timeout' is a second argument: a query of several words is one argument, in quotes.", "Try: acode session search -- '-retry timeout'   (all its words must match; see docs/search.md)")]
    public async Task A_mistyped_command_or_option_suggests_the_nearest(string arguments, string error, string hint)
    {
        AcodeResult result = await _workspace.RunAsync(arguments.Split(' '));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal([$"Error: {error}", hint], Lines(result.Stderr));
    }

    /// <summary>
    /// An unknown option where the command takes an argument is still an unknown option: System.CommandLine takes it
    /// for the argument, and the argument typed next (a valid id, a file) must never be blamed instead.
    /// </summary>
    [Theory]
    [InlineData("session show --jsno sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V", "'--jsno' is not an option of 'acode session show'. Did you mean '--json'?", "acode session show")]
    [InlineData("session show sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V --jsno", "'--jsno' is not an option of 'acode session show'. Did you mean '--json'?", "acode session show")]
    [InlineData("session delete sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V --dryrun --yes", "'--dryrun' is not an option of 'acode session delete'. Did you mean '--dry-run'?", "acode session delete")]
    [InlineData("session export --forse sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V", "'--forse' is not an option of 'acode session export'. Did you mean '--force'?", "acode session export")]
    [InlineData("session pull --jsno", "'--jsno' is not an option of 'acode session pull'. Did you mean '--json'?", "acode session pull")]
    [InlineData("session search --jsno timeout", "'--jsno' is not an option of 'acode session search'. Did you mean '--json'?", "acode session search")]
    [InlineData("import claude-code --jsno .", "'--jsno' is not an option of 'acode import claude-code'. Did you mean '--json'?", "acode import claude-code")]
    [InlineData("session import --json one.jsonl", "'acode session import' has no option '--json' (other acode commands have it, this one does not).", "acode session import")]
    [InlineData("db sync retry --json", "'acode db sync retry' has no option '--json' (other acode commands have it, this one does not).", "acode db sync retry")]
    [InlineData("db sync retry --json 12", "'acode db sync retry' has no option '--json' (other acode commands have it, this one does not).", "acode db sync retry")]
    [InlineData("session search -retry", "'-retry' is not an option of 'acode session search'. In a query, -retry excludes the word 'retry': put it after '--' with a word to search for, in quotes: acode session search -- 'timeout -retry'", "acode session search")]
    [InlineData("session show -x", "'-x' is not an option of 'acode session show'. An argument that starts with '-' goes after '--': acode session show -- -x", "acode session show")]
    [InlineData("--jsno session list", "'--jsno' is not an option of 'acode session list'. Did you mean '--json'?", "acode session list")]
    public async Task An_unknown_option_before_or_in_place_of_an_argument_is_named_never_the_argument(string arguments, string error, string path)
    {
        AcodeResult result = await _workspace.RunAsync(arguments.Split(' '));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal([$"Error: {error}", $"Try: {path} --help"], Lines(result.Stderr));
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, ".agent")), "a command line that does not parse must create nothing");
    }

    /// <summary>What is not an unknown option: '-' (standard input), a negative number where a number is expected, a quoted query with a space, anything after '--'.</summary>
    [Theory]
    [InlineData("session import -")]
    [InlineData("db sync retry -5")]
    [InlineData("session search -- -retry")]
    [InlineData("session search", "-retry timeout")]
    [InlineData("session list --title -x")]
    public async Task A_dash_argument_that_is_no_option_is_left_to_the_command(params string[] arguments)
    {
        string[] args = [.. arguments[0].Split(' '), .. arguments.Skip(1)];
        AcodeResult result = await _workspace.RunAsync(args);

        Assert.DoesNotContain("not an option", result.Stderr);
        Assert.DoesNotContain("has no option", result.Stderr);
    }

    [Theory]
    [InlineData("session search -- hello --limit 1", "'--limit' comes after '--', so it is read as an argument, not an option: 'acode session search' takes no more arguments. Put options before '--'.")]
    [InlineData("db status -- x", "'x' comes after '--', so it is one argument too many: 'acode db status' takes no more arguments. Put options before '--'.")]
    public async Task An_option_after_the_double_dash_is_explained_not_suggested_as_itself(string arguments, string error)
    {
        AcodeResult result = await _workspace.RunAsync(arguments.Split(' '));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal([$"Error: {error}", $"Try: acode {string.Join(' ', arguments.Split(' ').TakeWhile(a => a != "--"))} --help"], Lines(result.Stderr));
    }

    [Fact]
    public async Task A_word_near_nothing_gets_the_help_of_where_it_was_typed()
    {
        AcodeResult result = await _workspace.RunAsync("xyzzy");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["Error: 'xyzzy' is not a command of 'acode'.", "Try: acode --help"], Lines(result.Stderr));
    }

    [Fact]
    public async Task A_group_without_its_command_lists_the_commands_it_has()
    {
        AcodeResult result = await _workspace.RunAsync("session");

        Assert.Equal(2, result.ExitCode);
        string[] lines = [.. Lines(result.Stderr).Take(2)];
        Assert.StartsWith("Error: 'acode session' needs a command: list, show, ", lines[0], StringComparison.Ordinal);
        string[] listed = lines[0]["Error: 'acode session' needs a command: ".Length..].TrimEnd('.').Split(", ");
        Assert.Equal(["delete", "export", "import", "list", "pull", "search", "show"], listed.Order(StringComparer.Ordinal));
        Assert.Equal("Try: acode session --help", lines[1]);
    }

    [Theory]
    [InlineData("session import", "Error: 'acode session import' needs its <file> argument: A JSON Lines export ('-' for standard input).")]
    [InlineData("session delete", "Error: 'acode session delete' needs its <id> argument: The sessions to delete (sess_…, or a unique start of an id), one or more.")]
    [InlineData("session search --json", "Error: 'acode session search' needs its <query> argument: What to search for: ")]
    [InlineData("session list --limit", "Error: --limit needs a value: Rows per page, 1 to 1000.")]
    [InlineData("session export --all -o", "Error: -o needs a value: Write to this file")]
    [InlineData("db prune --older-than", "Error: --older-than needs a value: Remove sessions last changed before this time: 30d, ")]
    public async Task A_missing_argument_is_named_with_what_it_is(string command, string error)
    {
        // Trial AB O3, trial AD F4: System.CommandLine's own words were "Required argument missing for command: 'import'" (or
        // "for option: '-o'"), which did not say what to give.
        AcodeResult result = await _workspace.RunAsync(command.Split(' '));

        Assert.Equal(2, result.ExitCode);
        string[] lines = [.. Lines(result.Stderr)];
        Assert.StartsWith(error, lines[0], StringComparison.Ordinal);
        Assert.Equal($"Try: acode {string.Join(' ', command.Split(' ').TakeWhile(word => !word.StartsWith('-')))} --help", lines[1]);
    }

    [Theory]
    [InlineData("session export --all -o --force", "Error: -o needs a value: Write to this file", "'--force' after it is an option, not its value (to give that as the value, write -o=--force).")]
    [InlineData("session list --title --json", "Error: --title needs a value: Only sessions whose title", "'--json' after it is an option, not its value (to give that as the value, write --title=--json).")]
    [InlineData("session list --limit --json", "Error: --limit needs a value: Rows per page, 1 to 1000.", "'--json' after it is an option, not its value.")]
    [InlineData("db prune --older-than --dry-run", "Error: --older-than needs a value: ", "'--dry-run' after it is an option, not its value")]
    [InlineData("session list -w", "Error: -w needs a value: The workspace folder", "")]
    [Trait("Issue", "trialAE.F4")]
    public async Task An_option_followed_by_another_option_or_by_nothing_is_missing_its_value_whatever_came_before(string command, string error, string then)
    {
        // Trial AE F4, F5: System.CommandLine took the next option as the value ('-o --force' wrote a file named '--force',
        // exit 0; '--title --json' printed prose), and a trailing '-w' went unnoticed after the '--workspace' given first.
        AcodeResult result = await _workspace.RunAsync(command.Split(' '));

        Assert.Equal(2, result.ExitCode);
        string[] lines = [.. Lines(result.Stderr)];
        Assert.StartsWith(error, lines[0], StringComparison.Ordinal);
        Assert.Contains(then, lines[0], StringComparison.Ordinal);
        Assert.Equal($"Try: acode {string.Join(' ', command.Split(' ').TakeWhile(word => !word.StartsWith('-')))} --help", lines[1]);
        Assert.Empty(result.Stdout);
        Assert.False(File.Exists(Path.Combine(_workspace.Root, "--force")));
    }

    [Fact]
    public async Task A_value_that_is_an_option_name_is_given_joined_to_its_option()
    {
        await _workspace.RunOkAsync("demo");
        AcodeResult result = await _workspace.RunAsync("session", "list", "--title=--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("title containing '--json'", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("session list --title=", "session list --title ")]
    [InlineData("session list --since=", "session list --since ")]
    [InlineData("session export --all -o=", "session export --all -o ")]
    [InlineData("db prune --older-than= --dry-run", "db prune --older-than  --dry-run")]
    [Trait("Issue", "trialAF.7")]
    public async Task An_option_joined_to_an_empty_value_is_the_empty_value_as_when_given_apart(string joined, string apart)
    {
        // '--title=' was "needs a value" (exit 2) while '--title ""' listed every session: two spellings of one value.
        await _workspace.RunOkAsync("demo");

        AcodeResult asJoined = await _workspace.RunAsync(joined.Split(' '));
        AcodeResult asApart = await _workspace.RunAsync(apart.Split(' '));

        Assert.Equal(asApart.ExitCode, asJoined.ExitCode);
        Assert.Equal(asApart.Stdout, asJoined.Stdout);
        Assert.Equal(asApart.Stderr, asJoined.Stderr);
        Assert.DoesNotContain("needs a value", asJoined.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("db prune --older-than 1s --dry-run=no", "Error: --dry-run is a switch: give it alone to turn it on, or --dry-run=true / --dry-run=false; 'no' is neither.")]
    [InlineData("session list --json=yes", "Error: --json is a switch: give it alone to turn it on, or --json=true / --json=false; 'yes' is neither.")]
    [InlineData("session export --all --force=yes", "Error: --force is a switch: give it alone to turn it on, or --force=true / --force=false; 'yes' is neither.")]
    [InlineData("import claude-code . --json:yes", "Error: --json is a switch: give it alone to turn it on, or --json=true / --json=false; 'yes' is neither.")]
    [Trait("Issue", "trialAH.5")]
    public async Task A_switch_joined_to_a_word_that_is_not_true_or_false_is_said_of_the_switch(string command, string error)
    {
        // It was "'acode db prune' does not take the argument 'no'": blamed on the command, not on the switch.
        AcodeResult result = await _workspace.RunAsync(command.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(error, Lines(result.Stderr)[0]);
    }

    [Fact]
    [Trait("Issue", "trialAI.1")]
    public async Task A_switch_joined_to_a_session_id_deletes_nothing()
    {
        // 'session delete A --yes=B' turned --yes on and took B for a second id: both sessions were deleted.
        await _workspace.RunOkAsync("demo", "--sessions", "2");
        IReadOnlyList<string> ids = await _workspace.SessionIdsAsync();

        AcodeResult result = await _workspace.RunAsync("session", "delete", ids[0], $"--yes={ids[1]}");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Error: --yes is a switch: ", Lines(result.Stderr)[0], StringComparison.Ordinal);
        Assert.Equal(ids.Order(), (await _workspace.SessionIdsAsync()).Order());
    }

    [Fact]
    [Trait("Issue", "trialAD.F4.1")]
    public async Task A_workspace_option_alone_says_only_that_it_needs_a_value()
    {
        AcodeResult result = await _workspace.RunInAsync(_workspace.Root, "-w");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["Error: -w needs a value: The workspace folder (default: ACODE_WORKSPACE, else the nearest folder holding .agent/, else the current folder).", "Try: acode --help"], Lines(result.Stderr));
    }

    [Theory]
    [InlineData("session list --limit abc", "'abc' is not a valid value for --limit: expected a whole number.")]
    [InlineData("session list --state Nope", "'Nope' is not a valid value for --state: expected one of Created, Planning, AwaitingApproval, Executing, Paused, Completed, Failed, Cancelled.")]
    [InlineData("db prune --older-than 30d --state Nope", "'Nope' is not a valid value for --state: expected one of")]
    [InlineData("demo --sessions x", "'x' is not a valid value for --sessions: expected a whole number.")]
    [InlineData("db sync retry abc", "'abc' is not a valid value for <outbox-id>: expected a whole number.")]
    [InlineData("session list --limit 99999999999", "--limit must be between 1 and 1000 (got 99999999999).")] // trial AP 5: it named int's maximum
    [InlineData("session list --limit 5000", "--limit must be between 1 and 1000 (got 5000).")]
    [InlineData("session search word -n -99999999999", "--limit must be between 1 and 1000 (got -99999999999).")]
    [InlineData("session search word --limit x", "'x' is not a valid value for --limit: expected a whole number.")]
    [InlineData("demo --sessions 99999999999", "--sessions must be between 1 and 10000 (got 99999999999).")]
    [InlineData("session list --sort bogus", "'bogus' is not a valid value for --sort: expected one of created-asc, created-desc, updated-asc, updated-desc.")]
    [InlineData("session list --sort created-des", "'created-des' is not a valid value for --sort: expected one of created-asc, created-desc, updated-asc, updated-desc. Did you mean 'created-desc'?")]
    public async Task A_value_that_does_not_convert_says_what_was_expected_without_type_names(string arguments, string error)
    {
        AcodeResult result = await _workspace.RunAsync(arguments.Split(' '));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"Error: {error}", result.Stderr);
        Assert.DoesNotContain("System.", result.Stderr);
        Assert.DoesNotContain("expected type", result.Stderr);
        Assert.DoesNotContain("Parameter '", result.Stderr);
        Assert.Contains("Try: acode ", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, ".agent")), "a command line that does not parse must create nothing");
    }

    [Theory]
    [InlineData("session", "list", "--limit")]
    [InlineData("session", "list", "--state")]
    [InlineData("session", "list", "--since")]
    [InlineData("session", "show")]
    [InlineData("session", "list", "--sort")]
    [InlineData("demo", "--sessions")]
    [InlineData("ui", "--no-open", "--port")]
    [Trait("Issue", "trialAT.6")]
    public async Task A_very_long_value_is_quoted_cut_in_its_error(params string[] arguments)
    {
        // Trial AT 6: a 400-digit --limit was echoed whole; every value an error quotes is cut at 100 characters.
        string value = new('9', 400);

        AcodeResult result = await _workspace.RunAsync([.. arguments, value]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(new string('9', 99) + "…", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('9', 101), result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("session", "list", "--cursor")]
    [InlineData("session", "search", "word", "--cursor")]
    [Trait("Issue", "trialAV.F10")]
    public async Task A_very_long_cursor_is_quoted_cut_as_other_values_are(params string[] arguments)
    {
        await _workspace.RunOkAsync("db", "migrate");

        AcodeResult result = await _workspace.RunAsync([.. arguments, new string('9', 400)]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(new string('9', 99) + "…", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('9', 101), result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_named_like_an_option_is_still_imported_where_a_path_is_expected()
    {
        // Claude Code names its project folders '-home-dev-app': typed in ~/.claude/projects, that is the folder.
        string projects = Path.Combine(_workspace.Root, "projects");
        Import.TranscriptFixtures.CopyClaude(Path.Combine(projects, "-home-dev-app"));

        AcodeResult result = await _workspace.RunInAsync(projects, "--workspace", _workspace.Root, "import", "claude-code", "-home-dev-app");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("not an option", result.Stderr);
    }

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

    public void Dispose() => _workspace.Dispose();
}

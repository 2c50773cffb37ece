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
    public async Task A_mistyped_command_or_option_suggests_the_nearest(string arguments, string error, string hint)
    {
        AcodeResult result = await _workspace.RunAsync(arguments.Split(' '));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal([$"Error: {error}", hint], Lines(result.Stderr));
    }

    [Theory]
    [InlineData("session search -- hello --limit 1", "'--limit' comes after '--', so it is read as an argument, not an option: 'acode session search' takes no more arguments. Put options before '--'.")]
    [InlineData("session search -- hello world", "'world' comes after '--', so it is one argument too many: 'acode session search' takes no more arguments. Put options before '--'.")]
    public async Task An_option_after_the_double_dash_is_explained_not_suggested_as_itself(string arguments, string error)
    {
        AcodeResult result = await _workspace.RunAsync(arguments.Split(' '));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal([$"Error: {error}", "Try: acode session search --help"], Lines(result.Stderr));
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
    [InlineData("session list --limit abc", "'abc' is not a valid value for --limit: expected a whole number.")]
    [InlineData("session list --state Nope", "'Nope' is not a valid value for --state: expected one of Created, Planning, AwaitingApproval, Executing, Paused, Completed, Failed, Cancelled.")]
    [InlineData("db prune --older-than 30d --state Nope", "'Nope' is not a valid value for --state: expected one of")]
    [InlineData("demo --sessions x", "'x' is not a valid value for --sessions: expected a whole number.")]
    [InlineData("db sync retry abc", "'abc' is not a valid value for <outbox-id>: expected a whole number.")]
    [InlineData("session list --limit 99999999999", "'99999999999' is not a valid value for --limit: it is too large (at most 2147483647).")]
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

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

    public void Dispose() => _workspace.Dispose();
}

using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary><c>--help</c>: examples where they belong, optional arguments marked, environment variables and exit codes listed.</summary>
public sealed class HelpTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Theory]
    [InlineData("")]
    [InlineData("db")]
    [InlineData("db sync")]
    [InlineData("session")]
    public async Task A_command_list_shows_one_line_per_command_and_no_examples(string parent)
    {
        AcodeResult help = await _workspace.RunOkAsync([.. parent.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        string commands = help.Stdout[help.Stdout.IndexOf("Commands:", StringComparison.Ordinal)..];
        commands = commands.Split("\n\n")[0];
        Assert.DoesNotContain("Example", commands);
        Assert.DoesNotContain("  acode ", commands);
        Assert.All(commands.Split('\n').Skip(1), line => Assert.Matches(@"^  [a-z]", line));
    }

    [Theory]
    [InlineData("db")]
    [InlineData("session")]
    public async Task A_group_s_line_in_the_top_level_help_names_every_one_of_its_commands(string group)
    {
        AcodeResult top = await _workspace.RunOkAsync("--help");
        AcodeResult own = await _workspace.RunOkAsync(group, "--help");

        string line = top.Stdout.Split('\n').Single(l => l.StartsWith($"  {group} ", StringComparison.Ordinal));
        string commands = own.Stdout[own.Stdout.IndexOf("Commands:", StringComparison.Ordinal)..].Split("\n\n")[0];
        var names = commands.Split('\n').Skip(1).Select(l => l.Trim().Split(' ')[0]).Where(n => n.Length > 0).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.Matches($@"[:,] {name}[,.]", line));
    }

    [Fact]
    public async Task A_command_s_own_help_keeps_its_details_and_examples()
    {
        AcodeResult list = await _workspace.RunOkAsync("session", "list", "--help");
        AcodeResult sync = await _workspace.RunOkAsync("db", "sync", "--help");

        Assert.Contains("Examples:", list.Stdout);
        Assert.Contains("acode session list --state Executing --state Paused", list.Stdout);
        Assert.Contains("Times are UTC on input and output", list.Stdout);
        Assert.Contains("acode db sync --watch", sync.Stdout);
    }

    [Theory]
    [InlineData("session show", "acode session show <id> [options]")]
    [InlineData("session search", "acode session search <query> [options]")]
    [InlineData("session import", "acode session import <file> [options]")]
    [InlineData("session delete", "acode session delete <id>... [options]")]
    public async Task The_help_of_a_command_with_a_required_argument_is_shown_without_the_argument(string command, string usage)
    {
        AcodeResult help = await _workspace.RunAsync([.. command.Split(' '), "--help"]);

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains(usage, help.Stdout, StringComparison.Ordinal);
        Assert.Empty(help.Stderr);
    }

    [Fact]
    public async Task Optional_arguments_are_shown_in_brackets_in_the_parent_s_list()
    {
        AcodeResult session = await _workspace.RunOkAsync("session", "--help");
        AcodeResult sync = await _workspace.RunOkAsync("db", "sync", "--help");

        Assert.Matches(@"\n  export \[<id>\.\.\.\]  +Export sessions", session.Stdout);
        Assert.Matches(@"\n  show <id>  +Show a session", session.Stdout);
        Assert.Matches(@"\n  retry \[<outbox-id>\]  +Put dead-lettered", sync.Stdout);
    }

    [Fact]
    public async Task Root_help_lists_the_environment_variables_and_exit_codes()
    {
        AcodeResult help = await _workspace.RunOkAsync("--help");

        string environment = help.Stdout[help.Stdout.IndexOf("Environment variables:", StringComparison.Ordinal)..];
        Assert.Contains("ACODE_WORKSPACE", environment);
        Assert.Contains("ACODE_POSTGRES_URL", environment);
        Assert.Matches(@"ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUTSECONDS +Sets persistence:sqlite:busyTimeoutSeconds \(default: 30 seconds\)", environment);
        Assert.Contains("ACODE_PERSISTENCE__SYNC__BATCHSIZE", environment);
        Assert.Matches(@"ACODE_PERSISTENCE__POSTGRES__CONNECTIONSTRING +Sets persistence:postgres:connectionString \(default: none\);\s+ACODE_POSTGRES_URL overrides it\.", environment);
        Assert.Contains("COLUMNS", environment);
        string exitCodes = help.Stdout[help.Stdout.IndexOf("Exit codes:", StringComparison.Ordinal)..];
        foreach (string code in new[] { "0", "1", "2", "3", "11-17", "130" })
        {
            Assert.Matches($@"\n  {code} +\S", exitCodes);
        }

        Assert.Contains("ACODE-DB-001 to ACODE-DB-007", exitCodes);
        Assert.DoesNotContain("Environment variables:", (await _workspace.RunOkAsync("session", "--help")).Stdout);
    }

    public void Dispose() => _workspace.Dispose();
}

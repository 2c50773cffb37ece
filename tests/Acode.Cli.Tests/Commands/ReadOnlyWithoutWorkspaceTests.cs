using System.Text.RegularExpressions;
using Acode.Cli.Tests.Import;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Which commands may create a workspace where none exists: only those that write new run state (<c>demo</c>,
/// <c>import …</c>, <c>session import</c>, <c>session pull</c>) and <c>db migrate</c>, which sets one up. Every other
/// command (reads, dry runs, deletes, retries, the viewer) says where it looked, exits 1 and creates nothing. The tables
/// cover every command of <c>acode --help</c>: a new command fails <see cref="Every_command_of_the_help_tree_is_classified"/>
/// until it is put in one of them.
/// </summary>
public sealed partial class ReadOnlyWithoutWorkspaceTests : IDisposable
{
    private const string UnknownId = "sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V";

    /// <summary>Nothing listens on port 1: commands that need PostgreSQL configured get this far, and must stop at the workspace.</summary>
    private const string DeadPostgres = "postgresql://acode@127.0.0.1:1/acode";

    private readonly CliWorkspace _workspace = new();

    /// <summary>Commands that never create a workspace: the command, then its arguments.</summary>
    public static TheoryData<string, string> ReadOnly => new()
    {
        { "session list", "" },
        { "session list", "--json" },
        { "session show", UnknownId },
        { "session search", "foo" },
        { "session export", UnknownId },
        { "session export", $"{UnknownId} -o out.jsonl" },
        { "session delete", $"{UnknownId} --yes" },
        { "session delete", $"{UnknownId} --dry-run" },
        { "db status", "" },
        { "db check", "" },
        { "db check", "--recount" },
        { "db schema version", "" },
        { "db migrate", "--dry-run" },
        { "db sync", "" },
        { "db sync", "--watch" },
        { "db sync status", "" },
        { "db sync retry", "--all" },
        { "db sync retry", "7" },
        { "db sync retry", "--processed" },
        { "db prune", "--older-than 30d --yes" },
        { "db prune", "--older-than 30d --dry-run" },
        { "db prune", "--older-than 30d --remote --yes" },
        { "ui", "" },
    };

    /// <summary>Commands that only group others: they ask for a command and create nothing.</summary>
    public static TheoryData<string> Groups => new(GroupCommands);

    /// <summary>Commands that write new run state (or set the workspace up), and so create it: the command, then its arguments.</summary>
    public static TheoryData<string, string> Writing => new()
    {
        { "demo", "" },
        { "db migrate", "" },
        { "session import", Path.Combine(TranscriptFixtures.Root, "import.golden.jsonl") },
        { "import claude-code", TranscriptFixtures.ClaudeFile },
        { "import codex", TranscriptFixtures.CodexFile },
    };

    private static readonly string[] GroupCommands = ["db", "db schema", "session", "import"];

    /// <summary>Writing commands that need a PostgreSQL holding sessions; their runs are in SessionRemoteCommandTests.</summary>
    private static readonly string[] WritingFromPostgres = ["session pull"];

    [Theory]
    [MemberData(nameof(ReadOnly))]
    public async Task Run_in_a_folder_without_a_workspace_it_names_the_folders_it_looked_in_and_creates_nothing(string command, string arguments)
    {
        string project = Directory.CreateDirectory(Path.Combine(_workspace.Root, "project", "src")).FullName;
        if (command == "db sync" || arguments.Contains("--remote", StringComparison.Ordinal))
        {
            _workspace.Environment["ACODE_POSTGRES_URL"] = DeadPostgres;
        }

        AcodeResult result = await _workspace.RunInAsync(project, Split(command, arguments));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"Error: No acode workspace here: looked for .agent/workspace.db in {project}, {Path.GetDirectoryName(project)}, ", result.Stderr);
        Assert.Contains("Nothing was created.", result.Stderr);
        Assert.Contains("Try: Run it in your project's folder", result.Stderr);
        Assert.Contains("'acode demo'", result.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(project));
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, ".agent")));
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, "project", ".agent")));
    }

    /// <summary>
    /// A <c>.agent/</c> folder without a database in a subfolder (empty, or another program's) stops the upward search
    /// short of the project's workspace: the error names the folders really searched (it listed the stopping folder's
    /// parents, the workspace's included, and left out the current folder) and the workspace further up.
    /// </summary>
    [Fact]
    public async Task A_stray_agent_folder_that_stops_the_search_is_named_with_the_workspace_further_up()
    {
        string project = Directory.CreateDirectory(Path.Combine(_workspace.Root, "project")).FullName;
        string src = Directory.CreateDirectory(Path.Combine(project, "src", ".agent")).Parent!.FullName;
        string lib = Directory.CreateDirectory(Path.Combine(src, "lib")).FullName;

        AcodeResult alone = await _workspace.RunInAsync(lib, "session", "list");
        await _workspace.RunInAsync(project, "demo");
        AcodeResult shadowed = await _workspace.RunInAsync(lib, "session", "list");

        Assert.True(alone.ExitCode == 1, alone.ToString());
        Assert.Contains($"Error: No acode workspace here: looked for .agent/workspace.db in {lib}, {src}. The search stopped at {src}, whose .agent/ folder holds no workspace.db (empty, or another program's). Nothing was created.", alone.Stderr, StringComparison.Ordinal);
        Assert.Contains($"'acode demo', which creates the workspace in {src}.", alone.Stderr, StringComparison.Ordinal);
        Assert.True(shadowed.ExitCode == 1, shadowed.ToString());
        Assert.Contains($"The search stopped at {src}, whose .agent/ folder holds no workspace.db (empty, or another program's); a workspace exists further up, at {project}. Nothing was created.", shadowed.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Try: Give that workspace with --workspace {project} (or ACODE_WORKSPACE), or move {Path.Combine(src, ".agent")} away if it is not acode's.", shadowed.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(src, ".agent")));
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public async Task A_group_without_its_command_asks_for_one_and_creates_nothing(string command)
    {
        string project = Directory.CreateDirectory(Path.Combine(_workspace.Root, "project")).FullName;

        AcodeResult result = await _workspace.RunInAsync(project, command.Split(' '));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"Error: 'acode {command}' needs a command: ", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(project));
    }

    [Theory]
    [MemberData(nameof(Writing))]
    public async Task A_command_that_writes_run_state_creates_the_workspace(string command, string arguments)
    {
        string project = Directory.CreateDirectory(Path.Combine(_workspace.Root, "project")).FullName;

        AcodeResult result = await _workspace.RunInAsync(project, Split(command, arguments));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(project, ".agent", "workspace.db")), result.ToString());
    }

    [Fact]
    public async Task Every_command_of_the_help_tree_is_classified()
    {
        var classified = new HashSet<string>(StringComparer.Ordinal);
        classified.UnionWith(ReadOnly.Select((object[] row) => (string)row[0]));
        classified.UnionWith(GroupCommands);
        classified.UnionWith(Writing.Select((object[] row) => (string)row[0]));
        classified.UnionWith(WritingFromPostgres);

        var found = new SortedSet<string>(StringComparer.Ordinal);
        await WalkAsync("", found);

        Assert.Equal(classified.Order(StringComparer.Ordinal), found);
    }

    [Fact]
    public async Task With_an_explicit_workspace_it_names_that_folder_and_creates_nothing()
    {
        AcodeResult result = await _workspace.RunAsync("session", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"No acode workspace at {_workspace.Root} (given with --workspace)", result.Stderr);
        Assert.Contains("Try: Check the path given with --workspace (the folder that holds .agent/)", result.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_workspace.Root));
    }

    [Fact]
    public async Task With_an_explicit_workspace_that_does_not_exist_it_says_so_and_creates_nothing()
    {
        string missing = Path.Combine(_workspace.Root, "no-such", "project");

        AcodeResult result = await _workspace.RunInAsync(_workspace.Root, "--workspace", missing, "session", "list");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"Try: Check the path given with --workspace: {missing} does not exist", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, "no-such")));
    }

    [Fact]
    public async Task Once_a_writing_command_created_the_workspace_the_others_use_it()
    {
        await _workspace.RunOkAsync("db", "migrate");

        Assert.True(File.Exists(_workspace.DatabasePath));
        await _workspace.RunOkAsync("session", "list");
        await _workspace.RunOkAsync("session", "search", "foo");
        await _workspace.RunOkAsync("db", "migrate", "--dry-run");
        await _workspace.RunOkAsync("db", "sync", "retry", "--all");
    }

    public void Dispose() => _workspace.Dispose();

    private static string[] Split(string command, string arguments)
        => [.. command.Split(' '), .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>Adds <paramref name="path"/>'s subcommands (from its help's <c>Commands:</c> section) and theirs to <paramref name="found"/>.</summary>
    private async Task WalkAsync(string path, SortedSet<string> found)
    {
        string[] args = [.. path.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"];
        AcodeResult help = await _workspace.RunInAsync(_workspace.Root, args);
        Assert.True(help.ExitCode == 0, help.ToString());
        int start = help.Stdout.IndexOf("\nCommands:\n", StringComparison.Ordinal);
        if (start < 0)
        {
            return;
        }

        foreach (string line in help.Stdout[(start + "\nCommands:\n".Length)..].Split('\n').TakeWhile(l => l.Trim().Length > 0))
        {
            if (CommandLine().Match(line) is { Success: true } match)
            {
                string child = (path + " " + match.Groups[1].Value).Trim();
                found.Add(child);
                await WalkAsync(child, found);
            }
        }
    }

    [GeneratedRegex(@"^  ([a-z][a-z-]*)\b")]
    private static partial Regex CommandLine();
}

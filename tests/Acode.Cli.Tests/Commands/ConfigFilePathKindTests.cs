using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A <c>.agent/config.json</c> that is no regular file (a symbolic link to nothing, one that loops, a fifo, a folder) is
/// ACODE-DB-007 (exit 17) naming the file and saying what is there, for commands that read and commands that write: not
/// an unexpected error, not a hang on a fifo (never opened), not silently ignored.
/// </summary>
public sealed class ConfigFilePathKindTests : IDisposable
{
    private static readonly string[][] Commands = [["db", "status"], ["session", "list"], ["demo"]];

    private readonly CliWorkspace _workspace = new();

    private string ConfigPath => Path.Combine(_workspace.Root, ".agent", "config.json");

    [Fact]
    public async Task A_config_file_that_is_a_symbolic_link_to_nothing_is_said_to_be_one()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        string missing = Path.Combine(_workspace.Root, "team-config.json");
        File.CreateSymbolicLink(ConfigPath, missing);

        await AssertRefusedAsync($"it is a symbolic link to '{missing}', which does not exist.", "Point the link at the configuration file");
    }

    [Fact]
    public async Task A_config_file_that_is_a_symbolic_link_that_loops_is_said_to_loop()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        File.CreateSymbolicLink(ConfigPath, "config.json");

        await AssertRefusedAsync("it is a symbolic link that loops (too many levels of symbolic links).", $"Fix or remove the symbolic link {ConfigPath}");
    }

    [Fact]
    public async Task A_config_file_that_is_a_fifo_is_said_to_be_one_and_never_opened()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        (int made, string output) = await CommandRunner.RunDirectAsync("mkfifo", ConfigPath);
        Assert.True(made == 0, output);

        await AssertRefusedAsync("it is a fifo, not a file (acode does not open it: opening a fifo waits until something writes to it).", $"Remove it (rm {ConfigPath})");
    }

    [Fact]
    public async Task A_config_file_that_is_a_folder_is_said_to_be_one_not_ignored()
    {
        Directory.CreateDirectory(ConfigPath);

        await AssertRefusedAsync("it is a folder, not a file.", "Move the folder away");
    }

    [Fact]
    public async Task A_config_file_that_is_a_symbolic_link_to_a_file_is_read()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        string target = Path.Combine(_workspace.Root, "team-config.json");
        await File.WriteAllTextAsync(target, """{ "persistence": { "sqlite": { "busyTimeoutSeconds": "soon" } } }""");
        File.CreateSymbolicLink(ConfigPath, target);

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains($"persistence:sqlite:busyTimeoutSeconds = 'soon' (from {ConfigPath})", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private async Task AssertRefusedAsync(string said, string remedy)
    {
        foreach (string[] command in Commands)
        {
            AcodeResult result = await _workspace.RunAsync(command);

            Assert.True(result.ExitCode == 17, $"acode {string.Join(' ', command)}: {result}");
            Assert.Contains($"Error: ACODE-DB-007: Invalid configuration: {ConfigPath} cannot be read as the configuration file: {said}", result.Stderr, StringComparison.Ordinal);
            Assert.Contains($"Try: {remedy}", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("without it acode runs with the defaults.", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Unexpected error", result.Stderr, StringComparison.Ordinal);
        }
    }
}

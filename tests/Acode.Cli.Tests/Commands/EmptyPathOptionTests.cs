using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// An empty path given on the command line (<c>-w ''</c>, as <c>-w "$DIR"</c> with DIR unset gives) is a usage error
/// saying so (exit 2), not taken as if the option were absent: that would quietly use (or create) the workspace of the
/// current folder, or watch nothing forever.
/// </summary>
public sealed class EmptyPathOptionTests : IDisposable
{
    private readonly CliWorkspace _folder = new();

    [Theory]
    [InlineData("session", "list")]
    [InlineData("demo")]
    public async Task An_empty_workspace_value_is_a_usage_error(params string[] command)
    {
        foreach (string option in new[] { "--workspace", "-w" })
        {
            AcodeResult result = await _folder.RunInAsync(_folder.Root, [option, "", .. command]);

            Assert.True(result.ExitCode == 2, $"acode {option} '' {string.Join(' ', command)}: {result}");
            Assert.Contains("Error: The value of --workspace is empty: it names no folder.", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("Try: ", result.Stderr, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.Combine(_folder.Root, ".agent")));
    }

    [Theory]
    [InlineData]
    [InlineData("--watch")]
    public async Task An_empty_transcript_path_is_a_usage_error(params string[] options)
    {
        AcodeResult result = await _folder.RunAsync(["import", "claude-code", .. options, ""]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Error: A path given is empty: it names no file or folder.", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.DatabasePath));
    }

    public void Dispose() => _folder.Dispose();
}

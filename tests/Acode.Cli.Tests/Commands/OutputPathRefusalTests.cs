using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// An empty path and a symbolic link loop given as a file to write or read are the user's mistake (exit 2 with what to
/// do), not "Unexpected error … This is a bug in acode" (exit 3).
/// </summary>
public sealed class OutputPathRefusalTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "hostile.D4")]
    public async Task Export_to_an_empty_path_is_a_usage_error()
    {
        string id = await DemoAsync();

        AcodeResult result = await _workspace.RunAsync("session", "export", id, "-o", "");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Error: Cannot write '': an empty path names no file.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unexpected error", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "hostile.D4")]
    public async Task Export_to_a_symbolic_link_loop_is_a_usage_error()
    {
        string id = await DemoAsync();
        string loop = Path.Combine(_workspace.Root, "loop");
        File.CreateSymbolicLink(loop, "loop");

        AcodeResult result = await _workspace.RunAsync("session", "export", id, "-o", loop);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"Error: Cannot write '{loop}': '{loop}' is a symbolic link that loops (too many levels of symbolic links).", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unexpected error", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "hostile.D4")]
    public async Task Session_import_of_an_empty_path_is_a_usage_error()
    {
        AcodeResult result = await _workspace.RunAsync("session", "import", "");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Error: Cannot read '': an empty path names no file.", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing.jsonl")]
    [InlineData("no-such-folder/missing.jsonl")]
    public async Task Session_import_of_a_missing_file_says_so_in_the_words_of_import(string name)
    {
        // Trial AP 6: .NET's "Could not find file '…'", the path said twice, where 'acode import' says "no such file or folder".
        string path = Path.Combine(_workspace.Root, name);

        AcodeResult result = await _workspace.RunAsync("session", "import", path);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"Error: Cannot read '{path}': no such file or folder.", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private async Task<string> DemoAsync()
    {
        await _workspace.RunOkAsync("demo");
        return (await _workspace.SessionIdsAsync()).Single();
    }
}

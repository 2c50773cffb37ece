using Acode.Cli.Tests.Support;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>What <c>acode ui</c> prints in the terminal: names shown safely, one message for any port it cannot use.</summary>
public sealed class UiCommandLineTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "uitrial.9")]
    public async Task The_start_line_shows_bidi_and_escape_characters_of_the_workspace_path_as_text()
    {
        string root = Path.Combine(_workspace.Root, "x\u202e\u001b[31m");
        Directory.CreateDirectory(root);
        AcodeResult demo = await AcodeBinary.RunAsync(root, _workspace.Environment, "--workspace", root, "demo");
        Assert.True(demo.ExitCode == 0, demo.ToString());

        AcodeResult result;
        await using (UiProcess ui = await UiProcess.StartInAsync(root, _workspace.Environment, ["--no-open"]))
        {
            result = await ui.StopAsync();
        }

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"acode ui: viewing {_workspace.Root}/x\\u202E\\u001B[31m\n", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202e", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Issue", "uitrial.10")]
    [InlineData("65536")]
    [InlineData("99999999999")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("80.5")]
    [InlineData("")] // trial AH 6: '--port=' said "(got )"
    public async Task Any_port_out_of_range_or_not_a_number_gets_the_one_range_message_and_exit_2(string port)
    {
        AcodeResult result = await _workspace.RunAsync("ui", "--no-open", "--port", port);

        Assert.True(result.ExitCode == 2, result.ToString());
        string[] lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"Error: --port must be between 1 and 65535, or 0 for a free port (got '{port}').", lines[0]);
        Assert.StartsWith("Try: ", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    [Trait("Issue", "uitrial.9")]
    public async Task A_command_line_error_quoting_an_escape_character_shows_it_as_text()
    {
        AcodeResult result = await _workspace.RunAsync("ui", "--no-open", "--port", "\u001b[31m");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("(got '\\u001B[31m')", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}

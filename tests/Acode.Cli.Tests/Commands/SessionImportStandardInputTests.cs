using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>acode session import -</c> reads standard input, and its messages call it that, not <c>'-'</c>, which names no
/// file (trial AB O3).
/// </summary>
public sealed class SessionImportStandardInputTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task An_export_on_standard_input_is_imported_and_refusals_name_standard_input()
    {
        await _workspace.RunOkAsync("demo");
        string id = (await _workspace.SessionIdsAsync())[0];
        string export = (await _workspace.RunOkAsync("session", "export", id)).Stdout;
        using var other = new CliWorkspace();

        AcodeResult imported = await RunWithInputAsync(other, export);
        AcodeResult empty = await RunWithInputAsync(other, "");
        AcodeResult invalid = await RunWithInputAsync(other, "{\"entity\":\"Session\"}\n");

        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Equal([id], await other.SessionIdsAsync());
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("Error: Standard input holds no session.", empty.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("Error: Standard input is not a valid acode export:", invalid.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("'-'", empty.Stderr + invalid.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private static async Task<AcodeResult> RunWithInputAsync(CliWorkspace workspace, string input)
    {
        using System.Diagnostics.Process process = AcodeBinary.Start(workspace.Root, workspace.Environment, "--workspace", workspace.Root, "session", "import", "-");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new AcodeResult(process.ExitCode, await stdout, await stderr);
    }
}

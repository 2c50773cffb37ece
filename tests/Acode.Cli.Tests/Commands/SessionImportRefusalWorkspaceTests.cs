using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>acode session import</c> opens (and so creates) the workspace only when a session is about to be stored: a file it
/// refuses before that, or one holding no session, leaves no workspace behind, as <c>acode import</c> (docs/import.md).
/// </summary>
public sealed class SessionImportRefusalWorkspaceTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Theory]
    [InlineData("garbage\n", "is not a valid acode export")]
    [InlineData("{\"type\":\"user\",\"uuid\":\"u1\",\"parentUuid\":null,\"sessionId\":\"7f3c2a10-1111-4222-8333-444455556666\",\"timestamp\":\"2025-06-01T10:00:00.000Z\",\"message\":{\"role\":\"user\",\"content\":\"Fix it\"}}\n", "looks like a Claude Code transcript")]
    [InlineData("", "holds no session")]
    public async Task A_refused_file_creates_no_workspace(string content, string said)
    {
        string file = Path.Combine(_workspace.Root, "7f3c2a10-1111-4222-8333-444455556666.jsonl");
        await File.WriteAllTextAsync(file, content);

        AcodeResult result = await _workspace.RunAsync("session", "import", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(said, result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, ".agent")), "a refused import creates no workspace");
        AcodeResult list = await _workspace.RunAsync("session", "list");
        Assert.True(list.ExitCode == 1, list.ToString());
        Assert.Contains("No acode workspace", list.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}

using System.Text;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// The text of a removed session cannot be read back from the workspace's file (the trial of Session 27, B1: a deleted
/// session's prompt was still found with <c>grep -a</c>): the writer deletes with <c>secure_delete = FAST</c>, and a
/// removal gives the freed pages back. (The deletion's outbox record keeps the session's title and goal, the first prompt
/// here, until it is delivered and pruned: docs/secrets.md.)
/// </summary>
public sealed class DeletedTextTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Theory]
    [InlineData("session delete")]
    [InlineData("db prune")]
    public async Task A_removed_sessions_prompts_tool_arguments_and_large_result_are_gone_from_the_file(string how)
    {
        string marker = "confidential-plan-" + Guid.NewGuid().ToString("N");
        string folder = Path.Combine(_workspace.Root, "transcripts", "p");
        Directory.CreateDirectory(folder);
        string bigResult = string.Concat(Enumerable.Repeat($"line of the secret report {marker}\\n", 400));
        await File.WriteAllTextAsync(Path.Combine(folder, "dddddddd-0000-4000-8000-000000000000.jsonl"), string.Join('\n',
        [
            $$$"""{"sessionId":"dddddddd-0000-4000-8000-000000000000","cwd":"/w","type":"user","uuid":"d1","parentUuid":null,"timestamp":"2026-12-02T02:00:00Z","message":{"role":"user","content":"read the report"}}""",
            $$$"""{"sessionId":"dddddddd-0000-4000-8000-000000000000","cwd":"/w","type":"assistant","uuid":"d2","parentUuid":"d1","timestamp":"2026-12-02T02:00:01Z","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"tool_use","id":"t1","name":"Read","input":{"file_path":"{{{marker}}}.md"}}],"stop_reason":"tool_use"}}""",
            $$$"""{"sessionId":"dddddddd-0000-4000-8000-000000000000","cwd":"/w","type":"user","uuid":"d3","parentUuid":"d2","timestamp":"2026-12-02T02:00:02Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"{{{bigResult}}}"}]}}""",
            $$$"""{"sessionId":"dddddddd-0000-4000-8000-000000000000","cwd":"/w","type":"user","uuid":"d4","parentUuid":"d3","timestamp":"2026-12-02T02:00:03Z","message":{"role":"user","content":"now summarise {{{marker}}} for me"}}""",
        ]) + "\n", new UTF8Encoding(false));
        await _workspace.RunOkAsync("import", "claude-code", Path.Combine(_workspace.Root, "transcripts"));
        string id = Assert.Single(await _workspace.SessionIdsAsync());
        Assert.True(FileHolds(marker), "precondition: the imported text is in the file");
        if (how == "session delete")
        {
            await _workspace.RunOkAsync("demo"); // another session stays
            await _workspace.RunOkAsync("session", "delete", id, "--yes");
            Assert.Single(await _workspace.SessionIdsAsync());
        }
        else
        {
            await _workspace.RunOkAsync("db", "prune", "--older-than", "0s", "--yes");
            Assert.Empty(await _workspace.SessionIdsAsync());
        }

        Assert.False(FileHolds(marker), $"after '{how}' the removed session's text is still in .agent/");
        await _workspace.RunOkAsync("db", "check");
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>Whether any file of <c>.agent/</c> (the database, a WAL left behind) holds <paramref name="text"/> as UTF-8.</summary>
    private bool FileHolds(string text)
    {
        byte[] needle = Encoding.UTF8.GetBytes(text);
        return Directory.GetFiles(Path.Combine(_workspace.Root, ".agent"))
            .Any(file => File.ReadAllBytes(file).AsSpan().IndexOf(needle) >= 0);
    }
}

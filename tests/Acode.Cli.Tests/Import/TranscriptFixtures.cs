namespace Acode.Cli.Tests.Import;

/// <summary>The transcript fixtures (tests/Acode.Cli.Tests/Fixtures), copied next to the tests.</summary>
public static class TranscriptFixtures
{
    public const string ClaudeSessionId = "2f1c9a7e-5b3d-4e21-9a0f-1c2d3e4f5a6b";

    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string ClaudeFolder => Path.Combine(Root, "claude-code");

    public static string ClaudeFile => Path.Combine(ClaudeFolder, "-home-dev-app", ClaudeSessionId + ".jsonl");

    public static string CodexFolder => Path.Combine(Root, "codex");

    public static string CodexFile => Path.Combine(CodexFolder, "2025", "10", "29", "rollout-2025-10-29T00-59-38-019a2d7a-41c4-78b1-b7cc-a45d62a89cd5.jsonl");

    /// <summary>Copies a Claude Code transcript (and its sub-agent folder) into <paramref name="folder"/>; returns the new path.</summary>
    public static string CopyClaude(string folder, int? bytes = null)
    {
        string target = Path.Combine(folder, ClaudeSessionId + ".jsonl");
        Directory.CreateDirectory(folder);
        byte[] content = File.ReadAllBytes(ClaudeFile);
        File.WriteAllBytes(target, bytes is { } n ? content[..n] : content);
        string subagents = Path.Combine(folder, ClaudeSessionId, "subagents");
        Directory.CreateDirectory(subagents);
        foreach (string file in Directory.GetFiles(Path.Combine(ClaudeFolder, "-home-dev-app", ClaudeSessionId, "subagents")))
        {
            File.Copy(file, Path.Combine(subagents, Path.GetFileName(file)), overwrite: true);
        }

        return target;
    }
}

namespace Acode.Infrastructure.Tests.Transcripts;

/// <summary>
/// A Claude Code session whose main transcript names model <c>claude-opus-4-5</c> on branch <c>main</c>, with a
/// sub-agent transcript of its own (<c>subagents/agent-ab12.jsonl</c>) on branch <c>old</c>: the sub-agent's
/// <c>import.source</c> event (no model) has the session's highest sequence number.
/// </summary>
internal static class SubAgentSourceTranscript
{
    public const string SessionKey = "77777777-6666-4666-8666-666666666666";

    private static readonly string[] Main =
    [
        """{"type":"user","uuid":"u1","parentUuid":null,"isSidechain":false,"cwd":"/w","version":"2.0.74","gitBranch":"main","timestamp":"2026-11-30T11:00:00Z","message":{"role":"user","content":"find the bug"}}""",
        """{"type":"assistant","uuid":"a1","parentUuid":"u1","isSidechain":false,"cwd":"/w","version":"2.0.74","gitBranch":"main","timestamp":"2026-11-30T11:00:01Z","message":{"id":"m1","role":"assistant","model":"claude-opus-4-5","content":[{"type":"tool_use","id":"toolu_task","name":"Task","input":{"prompt":"look for the bug"}}],"stop_reason":"tool_use"}}""",
        """{"type":"user","uuid":"u2","parentUuid":"a1","isSidechain":false,"cwd":"/w","version":"2.0.74","gitBranch":"main","timestamp":"2026-11-30T11:00:09Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_task","content":"found it"}]},"toolUseResult":{"status":"completed","agentId":"ab12"}}""",
        """{"type":"assistant","uuid":"a2","parentUuid":"u2","isSidechain":false,"cwd":"/w","version":"2.0.74","gitBranch":"main","timestamp":"2026-11-30T11:00:10Z","message":{"id":"m2","role":"assistant","model":"claude-opus-4-5","content":[{"type":"text","text":"The bug is in parse()."}],"stop_reason":"end_turn"}}""",
    ];

    private static readonly string[] SubAgent =
    [
        """{"type":"user","uuid":"s1","parentUuid":null,"isSidechain":true,"agentId":"ab12","cwd":"/w","version":"2.0.74","gitBranch":"old","timestamp":"2026-11-30T11:00:02Z","message":{"role":"user","content":"look for the bug"}}""",
        """{"type":"assistant","uuid":"s2","parentUuid":"s1","isSidechain":true,"agentId":"ab12","cwd":"/w","version":"2.0.74","gitBranch":"old","timestamp":"2026-11-30T11:00:05Z","message":{"id":"ms1","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"found it"}],"stop_reason":"end_turn"}}""",
    ];

    /// <summary>Writes the session's files under <paramref name="folder"/>.</summary>
    /// <returns>The main transcript's path.</returns>
    public static string Write(string folder)
    {
        string main = Path.Combine(folder, SessionKey + ".jsonl");
        string subAgent = Path.Combine(folder, SessionKey, "subagents", "agent-ab12.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(subAgent)!);
        File.WriteAllText(main, string.Concat(Main.Select(l => l + "\n")));
        File.WriteAllText(subAgent, string.Concat(SubAgent.Select(l => l + "\n")));
        return main;
    }
}

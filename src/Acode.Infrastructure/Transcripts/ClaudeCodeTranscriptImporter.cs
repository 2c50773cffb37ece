using Acode.Application;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// Imports Claude Code transcripts: <c>~/.claude/projects/&lt;project&gt;/&lt;session-id&gt;.jsonl</c>, each with the
/// sub-agent transcripts in <c>&lt;session-id&gt;/subagents/agent-*.jsonl</c> next to it (their runs become tasks of the
/// same session). Mapping: docs/import.md.
/// </summary>
public sealed class ClaudeCodeTranscriptImporter(IRunStateStore store) : TranscriptImporter(store)
{
    /// <summary>The value of <see cref="TranscriptImporter.Agent"/>: <c>claude-code</c>.</summary>
    public const string AgentName = "claude-code";

    /// <inheritdoc/>
    public override string Agent => AgentName;

    /// <inheritdoc/>
    public override string DefaultLocation
        => Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR") is { Length: > 0 } configDir
            ? Path.Combine(configDir, "projects")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".claude", "projects");

    private protected override bool IsSessionTranscript(string path)
        => !string.Equals(Path.GetFileName(Path.GetDirectoryName(path)), "subagents", StringComparison.Ordinal);

    private protected override string SourceKey(string path) => Path.GetFileNameWithoutExtension(path);

    internal override ITranscriptRecordMapper CreateMapper(bool companion) => new ClaudeCodeRecordMapper(companion);

    private protected override IReadOnlyList<string> CompanionFiles(string path)
    {
        string folder = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path), "subagents");
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.jsonl").Order(StringComparer.Ordinal).ToList()
            : [];
    }
}

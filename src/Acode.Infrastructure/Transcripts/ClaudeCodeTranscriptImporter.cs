using Acode.Application;
using Acode.Application.Transcripts;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// Imports Claude Code transcripts: <c>~/.claude/projects/&lt;project&gt;/&lt;session-id&gt;.jsonl</c>, each with the
/// sub-agent transcripts in <c>&lt;session-id&gt;/subagents/agent-*.jsonl</c> next to it (their runs become tasks of the
/// same session). Mapping: docs/import.md.
/// </summary>
public sealed class ClaudeCodeTranscriptImporter : TranscriptImporter
{
    /// <summary>An importer that stores into <paramref name="store"/> and imports every transcript, also one whose session was removed.</summary>
    public ClaudeCodeTranscriptImporter(IRunStateStore store)
        : base(store, null)
    {
    }

    /// <summary>An importer that stores into <paramref name="store"/> and skips the transcripts whose session <paramref name="removedImports"/> lists (unless <see cref="TranscriptImporter.IncludeRemoved"/>).</summary>
    public ClaudeCodeTranscriptImporter(IRunStateStore store, IRemovedImportLog? removedImports)
        : base(store, removedImports)
    {
    }

    /// <summary>An importer that asks for its store and removal log only when a transcript is about to be stored (the CLI: no workspace is created for nothing).</summary>
    internal ClaudeCodeTranscriptImporter(Func<IRunStateStore> store, Func<IRemovedImportLog?> removedImports)
        : base(store, removedImports)
    {
    }

    /// <summary>The value of <see cref="TranscriptImporter.Agent"/>: <c>claude-code</c>.</summary>
    public const string AgentName = "claude-code";

    /// <inheritdoc/>
    public override string Agent => AgentName;

    /// <inheritdoc/>
    public override string DefaultLocation
        => Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR") is { Length: > 0 } configDir
            ? Path.Combine(configDir, "projects")
            : Path.Combine(TranscriptImporter.HomeFolder(), ".claude", "projects");

    private protected override string DisplayName => "Claude Code";

    private protected override bool IsSessionTranscript(string path) => !IsSubAgentTranscript(path);

    private protected override string SessionTranscriptOf(string path)
    {
        if (!IsSubAgentTranscript(path))
        {
            return path;
        }

        // <project>/<session-id>/subagents/agent-<id>.jsonl belongs to <project>/<session-id>.jsonl, which imports it.
        string session = Path.GetDirectoryName(Path.GetDirectoryName(path))! + ".jsonl";
        if (File.Exists(session))
        {
            return session;
        }

        if (!File.Exists(path))
        {
            return path; // nothing there: the caller says so
        }

        throw new TranscriptFormatException(
            path,
            $"'{path}' is a Claude Code sub-agent transcript: it is imported with its session, whose transcript '{session}' is not there. Nothing was imported.",
            "Import the session's transcript (its sub-agent transcripts come with it); a sub-agent transcript has no session of its own.");
    }

    private static bool IsSubAgentTranscript(string path)
        => string.Equals(Path.GetFileName(Path.GetDirectoryName(path)), "subagents", StringComparison.Ordinal);

    private protected override string SourceKey(string path) => Path.GetFileNameWithoutExtension(path);

    /// <summary>A record's <c>sessionId</c>: the name Claude Code gives the session's transcript file.</summary>
    private protected override string? SourceKeyOf(System.Text.Json.JsonElement record) => record.Str("sessionId");

    private protected override string SessionKeyRecord => "a record with a sessionId";

    internal override ITranscriptRecordMapper CreateMapper(bool companion) => new ClaudeCodeRecordMapper(companion);

    private protected override string? SubAgentIdOf(string companionPath)
        => Path.GetFileNameWithoutExtension(companionPath) is { } name && name.StartsWith("agent-", StringComparison.Ordinal) ? name["agent-".Length..] : null;

    /// <remarks>A fifo, socket or device among them is left out: opening a fifo waits until something writes to it.</remarks>
    private protected override IReadOnlyList<string> CompanionFiles(string path)
    {
        string folder = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path), "subagents");
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.jsonl").Where(f => FileKind.SpecialKindOf(f) is null).Order(StringComparer.Ordinal).ToList()
            : [];
    }
}

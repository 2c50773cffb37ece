using Acode.Application;
using Acode.Application.Transcripts;

namespace Acode.Infrastructure.Transcripts;

/// <summary>Imports Codex CLI rollouts: <c>~/.codex/sessions/YYYY/MM/DD/rollout-&lt;time&gt;-&lt;id&gt;.jsonl</c>. Mapping: docs/import.md.</summary>
public sealed class CodexTranscriptImporter : TranscriptImporter
{
    /// <summary>An importer that stores into <paramref name="store"/> and imports every transcript, also one whose session was removed.</summary>
    public CodexTranscriptImporter(IRunStateStore store)
        : base(store, null)
    {
    }

    /// <summary>An importer that stores into <paramref name="store"/> and skips the transcripts whose session <paramref name="removedImports"/> lists (unless <see cref="TranscriptImporter.IncludeRemoved"/>).</summary>
    public CodexTranscriptImporter(IRunStateStore store, IRemovedImportLog? removedImports)
        : base(store, removedImports)
    {
    }

    /// <summary>The value of <see cref="TranscriptImporter.Agent"/>: <c>codex</c>.</summary>
    public const string AgentName = "codex";

    /// <inheritdoc/>
    public override string Agent => AgentName;

    /// <inheritdoc/>
    public override string DefaultLocation
        => Environment.GetEnvironmentVariable("CODEX_HOME") is { Length: > 0 } home
            ? Path.Combine(home, "sessions")
            : Path.Combine(TranscriptImporter.HomeFolder(), ".codex", "sessions");

    private protected override string DisplayName => "Codex CLI";

    private protected override bool IsSessionTranscript(string path) => true;

    private protected override string SourceKey(string path) => Path.GetFileNameWithoutExtension(path);

    internal override ITranscriptRecordMapper CreateMapper(bool companion) => new CodexRecordMapper();
}

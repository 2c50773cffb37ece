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

    /// <summary>An importer that asks for its store and removal log only when a transcript is about to be stored (the CLI: no workspace is created for nothing).</summary>
    internal CodexTranscriptImporter(Func<IRunStateStore> store, Func<IRemovedImportLog?> removedImports)
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

    /// <summary>
    /// The name Codex gives the rollout, rebuilt from its <c>session_meta</c> record:
    /// <c>rollout-&lt;time&gt;-&lt;payload.id&gt;</c>, the time being <c>payload.timestamp</c> (the same instant the file
    /// is named after) in this machine's time zone, as Codex names its files; the same name, so the same session, when
    /// the time zone is the one Codex ran in.
    /// </summary>
    private protected override string? SourceKeyOf(System.Text.Json.JsonElement record)
    {
        if (record.Str("type") != "session_meta" || record.Get("payload") is not { } payload || payload.Str("id") is not { Length: > 0 } id)
        {
            return null;
        }

        if ((payload.Time("timestamp") ?? record.Time("timestamp")) is not { } time)
        {
            return null;
        }

        string local = TimeZoneInfo.ConvertTime(time, TimeZoneInfo.Local).ToString("yyyy-MM-dd'T'HH-mm-ss", System.Globalization.CultureInfo.InvariantCulture);
        return $"rollout-{local}-{id}";
    }

    private protected override string SessionKeyRecord => "a session_meta record with payload.id and a timestamp";

    internal override ITranscriptRecordMapper CreateMapper(bool companion) => new CodexRecordMapper();
}

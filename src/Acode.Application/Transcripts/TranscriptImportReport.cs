namespace Acode.Application.Transcripts;

/// <summary>
/// What importing one transcript file found and wrote. The entity counts describe the whole session as the transcript
/// defines it (not only this import's writes); <see cref="Rows"/> says what this import wrote.
/// </summary>
/// <param name="Path">The transcript file.</param>
/// <param name="Agent"><c>claude-code</c> or <c>codex</c>.</param>
/// <param name="SessionId">The acode session, or null when the file holds no record yet.</param>
/// <param name="Lines">Complete lines read (a half-written last line not included).</param>
/// <param name="Bytes">Bytes read.</param>
/// <param name="Tasks">Tasks: one per user prompt, plus one per sub-agent run.</param>
/// <param name="Steps">Steps: one per assistant turn.</param>
/// <param name="ToolCalls">Tool calls: one per tool use.</param>
/// <param name="FailedToolCalls">Tool calls whose result carries an error flag.</param>
/// <param name="Artifacts">Files written or edited, and images.</param>
/// <param name="Events">Session events (messages, reasoning, usage, compactions, unmapped records…).</param>
/// <param name="UnmappedRecords">Records kept only as <c>transcript.record</c> events.</param>
/// <param name="Rows">Rows this import inserted, updated and left alone.</param>
/// <param name="Problems">Bad input, by kind.</param>
public sealed record TranscriptImportReport(
    string Path, string Agent, string? SessionId, long Lines, long Bytes,
    int Tasks, int Steps, int ToolCalls, int FailedToolCalls, int Artifacts, long Events, int UnmappedRecords,
    ImportResult Rows, TranscriptProblems Problems)
{
    /// <summary>
    /// Set when nothing was stored because the session was imported before and removed since (<c>acode session delete</c>,
    /// <c>acode db prune</c>, retention): its removal. The counts still describe the transcript; <see cref="Rows"/> is all zero.
    /// </summary>
    public RemovedImport? RemovedEarlier { get; init; }
}

namespace Acode.Application.Transcripts;

/// <summary>
/// Records the transcripts a coding agent writes to disk (Claude Code, Codex CLI…) as acode sessions.
/// </summary>
/// <remarks>
/// Ids are derived from the transcript's own ids, versions from how many source lines touched an entity, and
/// timestamps from the transcript: importing the same file twice changes nothing, and importing a file that has grown
/// writes only what the new lines added or changed. Bad input (a malformed line, an unknown record, invalid UTF-8…)
/// is counted in the report, never thrown; the rest of the file is imported. Only a whole file of another format is
/// refused (<see cref="TranscriptFormatException"/>). The mapping is in docs/import.md.
/// </remarks>
public interface ITranscriptImporter
{
    /// <summary>The agent this importer reads, as named on the command line and in <c>import.source</c> events: <c>claude-code</c> or <c>codex</c>.</summary>
    string Agent { get; }

    /// <summary>The folder the agent writes its transcripts to on this machine (for example <c>~/.claude/projects</c>).</summary>
    string DefaultLocation { get; }

    /// <summary>The transcript files at <paramref name="path"/> (a file, or a folder searched recursively), in a stable order.</summary>
    /// <remarks>A Claude Code sub-agent transcript given as the file is not a session of its own: its session's transcript is returned.</remarks>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="TranscriptFormatException">A sub-agent transcript whose session's transcript is not there.</exception>
    IReadOnlyList<string> FindTranscripts(string path);

    /// <summary>Reads one transcript file completely and stores it as one session (its sub-agent transcripts included).</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="TranscriptFormatException">
    /// None of the file's lines is a record of this agent's format (another agent's transcript, an <c>acode session export</c>…),
    /// or it is a sub-agent transcript whose session's transcript is not there; nothing was written.
    /// </exception>
    /// <exception cref="Errors.AcodeDbException">The store failed; nothing of this file was written.</exception>
    Task<TranscriptImportReport> ImportFileAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts following one file: each <see cref="ITranscriptFollower.PollAsync"/> reads only the bytes appended since the
    /// previous one and stores what they changed (the whole file again when it was replaced or truncated).
    /// </summary>
    ITranscriptFollower Follow(string path);
}

namespace Acode.Application.Transcripts;

/// <summary>
/// A file an <see cref="ITranscriptImporter"/> refuses whole: none of its lines is a record of the importer's agent
/// (another agent's transcript, an <c>acode session export</c>, any other JSON Lines file), or it is a Claude Code
/// sub-agent transcript whose session's transcript is not there. Nothing of the file was stored.
/// </summary>
/// <param name="path">The refused file.</param>
/// <param name="message">What the file is not (and, when it can tell, what it is).</param>
/// <param name="remedy">What to do instead, e.g. the command that imports it.</param>
public sealed class TranscriptFormatException(string path, string message, string remedy) : FormatException(message)
{
    /// <summary>The refused file.</summary>
    public string Path { get; } = path;

    /// <summary>What to do instead, e.g. the command that imports the file.</summary>
    public string Remedy { get; } = remedy;
}

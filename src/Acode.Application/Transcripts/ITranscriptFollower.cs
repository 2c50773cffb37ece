namespace Acode.Application.Transcripts;

/// <summary>Follows one growing transcript file (see <see cref="ITranscriptImporter.Follow"/>).</summary>
public interface ITranscriptFollower
{
    /// <summary>The full path of the followed file.</summary>
    string Path { get; }

    /// <summary>Reads what was appended since the last poll and stores it.</summary>
    /// <returns>The report of this poll, or <see langword="null"/> when the file has not changed (or no longer exists).</returns>
    /// <exception cref="TranscriptFormatException">
    /// Nothing is stored yet and none of the file's lines is a record of the agent's format; thrown again only once the file has changed.
    /// </exception>
    Task<TranscriptImportReport?> PollAsync(CancellationToken cancellationToken = default);
}

namespace Acode.Infrastructure.Transcripts;

/// <summary>One line of a transcript file, as read by <see cref="TranscriptLineReader"/>.</summary>
/// <param name="Number">1-based line number in the file.</param>
/// <param name="Text">The line without its newline (for an oversized line, only its first <see cref="TranscriptLineReader.OversizedScanBytes"/> bytes).</param>
/// <param name="ByteLength">The line's length in bytes, newline excluded.</param>
/// <param name="InvalidUtf8">The bytes were not UTF-8; <paramref name="Text"/> has U+FFFD where they were.</param>
/// <param name="Oversized">Longer than the reader's limit; <paramref name="Text"/> is only its start.</param>
/// <param name="Terminated">False for a last line with no newline after it (yet).</param>
internal sealed record TranscriptLine(long Number, string Text, long ByteLength, bool InvalidUtf8, bool Oversized, bool Terminated);

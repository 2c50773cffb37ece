using Acode.Application.Transcripts;

namespace Acode.Infrastructure.Transcripts;

/// <summary>The mutable tally behind a <see cref="TranscriptProblems"/>.</summary>
internal sealed class ProblemCounter
{
    public int MalformedLines { get; set; }

    public int UnknownRecordTypes { get; set; }

    public bool UnknownFormatVersion { get; set; }

    public int UnpairedToolResults { get; set; }

    public int OversizedLines { get; set; }

    public int InvalidUtf8Lines { get; set; }

    public int InvalidImages { get; set; }

    public int InvalidTimestamps { get; set; }

    public TranscriptProblems ToProblems(int unpairedToolCalls, bool truncatedLastLine) => new()
    {
        MalformedLines = MalformedLines,
        UnknownRecordTypes = UnknownRecordTypes,
        UnknownFormatVersions = UnknownFormatVersion ? 1 : 0,
        UnpairedToolCalls = unpairedToolCalls,
        UnpairedToolResults = UnpairedToolResults,
        OversizedLines = OversizedLines,
        InvalidUtf8Lines = InvalidUtf8Lines,
        InvalidImages = InvalidImages,
        InvalidTimestamps = InvalidTimestamps,
        TruncatedLastLine = truncatedLastLine ? 1 : 0,
    };
}

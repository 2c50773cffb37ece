namespace Acode.Application.Transcripts;

/// <summary>
/// Bad input found in a transcript, by kind. None of it stops an import: the line (or record, or pair) is counted here,
/// kept as a session event where there is something to keep, and the rest of the file is imported.
/// </summary>
public sealed record TranscriptProblems
{
    /// <summary>Lines that are not one JSON object (kept as <c>transcript.malformed_line</c> events).</summary>
    public int MalformedLines { get; init; }

    /// <summary>Records of a type the importer does not map (kept whole as <c>transcript.record</c> events).</summary>
    public int UnknownRecordTypes { get; init; }

    /// <summary>Files written by an agent version whose format the importer has not seen (imported as if known; counted once per file).</summary>
    public int UnknownFormatVersions { get; init; }

    /// <summary>Tool calls with no result by the end of a transcript whose run ended (they stay Running).</summary>
    public int UnpairedToolCalls { get; init; }

    /// <summary>Tool results whose call is not in the transcript (kept as <c>transcript.unpaired_tool_result</c> events).</summary>
    public int UnpairedToolResults { get; init; }

    /// <summary>Lines longer than the limit (16 MiB): skipped, with a <c>transcript.oversized_line</c> event giving their size and start.</summary>
    public int OversizedLines { get; init; }

    /// <summary>Lines holding bytes that are not UTF-8: imported with each bad sequence replaced by U+FFFD.</summary>
    public int InvalidUtf8Lines { get; init; }

    /// <summary>Images whose data is not base64 (a Claude Code image block, a Codex <c>data:</c> URL): kept as written, as a text artifact.</summary>
    public int InvalidImages { get; init; }

    /// <summary>
    /// Records whose <c>timestamp</c> does not parse or lies more than a day after this machine's clock: read as absent (the
    /// record takes the previous record's time; a file none of whose records has a usable time is not imported).
    /// </summary>
    public int InvalidTimestamps { get; init; }

    /// <summary>1 when the file ends in a half-written line (not imported until it is complete), else 0.</summary>
    public int TruncatedLastLine { get; init; }

    /// <summary>All problems of every kind added up; 0 for a clean import.</summary>
    public int Total => MalformedLines + UnknownRecordTypes + UnknownFormatVersions + UnpairedToolCalls + UnpairedToolResults + OversizedLines + InvalidUtf8Lines + InvalidImages + InvalidTimestamps + TruncatedLastLine;

    /// <summary>The counts of <paramref name="a"/> and <paramref name="b"/> added kind by kind.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> or <paramref name="b"/> is null.</exception>
    public static TranscriptProblems operator +(TranscriptProblems a, TranscriptProblems b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new TranscriptProblems
        {
            MalformedLines = a.MalformedLines + b.MalformedLines,
            UnknownRecordTypes = a.UnknownRecordTypes + b.UnknownRecordTypes,
            UnknownFormatVersions = a.UnknownFormatVersions + b.UnknownFormatVersions,
            UnpairedToolCalls = a.UnpairedToolCalls + b.UnpairedToolCalls,
            UnpairedToolResults = a.UnpairedToolResults + b.UnpairedToolResults,
            OversizedLines = a.OversizedLines + b.OversizedLines,
            InvalidUtf8Lines = a.InvalidUtf8Lines + b.InvalidUtf8Lines,
            InvalidImages = a.InvalidImages + b.InvalidImages,
            InvalidTimestamps = a.InvalidTimestamps + b.InvalidTimestamps,
            TruncatedLastLine = a.TruncatedLastLine + b.TruncatedLastLine,
        };
    }

    /// <summary>These counts plus those of <paramref name="other"/> (the <c>+</c> operator, for languages without operators).</summary>
    public TranscriptProblems Add(TranscriptProblems other) => this + other;
}

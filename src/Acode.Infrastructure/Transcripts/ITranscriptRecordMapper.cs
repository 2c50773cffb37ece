using System.Text.Json;

namespace Acode.Infrastructure.Transcripts;

/// <summary>Maps the records of one agent's transcript format onto a <see cref="TranscriptGraph"/>, one line at a time.</summary>
internal interface ITranscriptRecordMapper
{
    /// <summary>Whether the record is one of this agent's format (its type is one the format defines, mapped or not).</summary>
    bool IsOwnRecord(JsonElement record);

    /// <summary>The record's own time, or null when it has none (it then takes the previous record's).</summary>
    DateTimeOffset? TimeOf(JsonElement record);

    /// <summary>
    /// Whether the record gives a time at all (a value other than JSON null): one that <see cref="TimeOf"/> reads as none
    /// (it does not parse, or lies more than a day ahead) is then a problem of the input, not a record without a time.
    /// </summary>
    bool GivesTime(JsonElement record) => record.Get("timestamp") is { ValueKind: not JsonValueKind.Null };

    /// <summary>
    /// Whether the record was read before (a transcript appended to twice, a resumed run that wrote its records again):
    /// it is then skipped whole, its time included, so it changes nothing, not even the session's version and
    /// <c>updated_at</c> (trial AK 1); otherwise it is remembered. Called once per record, in file order, before it is
    /// mapped or deferred. Formats whose records cannot repeat never skip one.
    /// </summary>
    bool Repeats(JsonElement record) => false;

    /// <summary>Maps one record (a JSON object) read at line <paramref name="lineNumber"/>, between the graph's BeginLine and EndLine.</summary>
    void Map(TranscriptGraph graph, JsonElement record, long lineNumber, ProblemCounter problems);

    /// <summary>
    /// The run of a sub-agent transcript (Claude Code's <c>subagents/agent-*.jsonl</c>) is over: the session's transcript
    /// holds the result of the tool call that started it. Called between BeginLine and EndLine; formats without
    /// sub-agent transcripts have nothing to end.
    /// </summary>
    void EndSubAgentRun(TranscriptGraph graph)
    {
    }
}

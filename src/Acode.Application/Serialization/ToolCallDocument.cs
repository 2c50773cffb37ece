namespace Acode.Application.Serialization;

/// <summary>A tool call. <see cref="Arguments"/> is the caller's JSON text, kept verbatim as a string.</summary>
internal sealed class ToolCallDocument : EntityDocument
{
    public required string SessionId { get; init; }

    public required string StepId { get; init; }

    public required string ToolName { get; init; }

    public required string Arguments { get; init; }

    /// <summary>
    /// Stored form only (rows, outbox payloads, PostgreSQL's <c>document</c>; docs/storage.md): the SHA-256 of the arguments'
    /// UTF-8 bytes, whose blob holds them whole, when they are large; <see cref="Arguments"/> then holds their first
    /// 512 characters. Null (and absent from the JSON) in the full form every reader and the export see.
    /// </summary>
    public string? ArgumentsBlob { get; init; }

    public required string Status { get; init; }

    public string? Result { get; init; }

    /// <summary>Stored form only: the blob of a large result, as <see cref="ArgumentsBlob"/>.</summary>
    public string? ResultBlob { get; init; }

    public string? Error { get; init; }

    public string? StartedAt { get; init; }

    public string? CompletedAt { get; init; }

    /// <summary>Duration in 100 ns ticks (exact).</summary>
    public long? DurationTicks { get; init; }
}

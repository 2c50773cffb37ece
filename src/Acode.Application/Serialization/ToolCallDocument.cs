namespace Acode.Application.Serialization;

/// <summary>A tool call. <see cref="Arguments"/> is the caller's JSON text, kept verbatim as a string.</summary>
internal sealed class ToolCallDocument : EntityDocument
{
    public required string SessionId { get; init; }

    public required string StepId { get; init; }

    public required string ToolName { get; init; }

    public required string Arguments { get; init; }

    public required string Status { get; init; }

    public string? Result { get; init; }

    public string? Error { get; init; }

    public string? StartedAt { get; init; }

    public string? CompletedAt { get; init; }

    /// <summary>Duration in 100 ns ticks (exact).</summary>
    public long? DurationTicks { get; init; }
}

namespace Acode.Benchmarks.EfCore;

// The acode tables as EF Core entities, the way `dotnet ef dbcontext scaffold` would give them (plain classes, one
// property per column), with navigations for the session's children and DateTimeOffset timestamps.

public sealed class SessionRow
{
    public required string Id { get; set; }

    public required string Title { get; set; }

    public string? Goal { get; set; }

    public required string State { get; set; }

    public long Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<TaskRow> Tasks { get; set; } = [];

    public List<ToolCallRow> ToolCalls { get; set; } = [];
}

public sealed class TaskRow
{
    public required string Id { get; set; }

    public required string SessionId { get; set; }

    public int Ordinal { get; set; }

    public required string Title { get; set; }

    public string? Description { get; set; }

    public required string State { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public long Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class ToolCallRow
{
    public required string Id { get; set; }

    public required string SessionId { get; set; }

    public required string StepId { get; set; }

    public required string ToolName { get; set; }

    public required string Arguments { get; set; }

    public required string Status { get; set; }

    public string? Result { get; set; }

    public string? Error { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public long? DurationTicks { get; set; }

    public long Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class EventRow
{
    public required string Id { get; set; }

    public required string SessionId { get; set; }

    public long Sequence { get; set; }

    public required string Type { get; set; }

    public required string Payload { get; set; }

    public long Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class OutboxRow
{
    public long Id { get; set; }

    /// <summary>The version's stamp in UTC ticks; the idempotency key is a column SQLite generates from it (schema 1.11.0).</summary>
    public long Hlc { get; set; }

    public required string EntityType { get; set; }

    public required string EntityId { get; set; }

    public required string SessionId { get; set; }

    public required string Operation { get; set; }

    public long BaseVersion { get; set; }

    public long Version { get; set; }

    public required string Origin { get; set; }

    public required string Payload { get; set; }

    public required string Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ProcessedAt { get; set; }
}

namespace Acode.Domain.Entities;

/// <summary>The kinds of run entities; the names are the <c>EntityType</c> part of outbox idempotency keys.</summary>
public enum EntityType
{
    Session,
    SessionTask,
    Step,
    ToolCall,
    Artifact,
    SessionEvent,
}

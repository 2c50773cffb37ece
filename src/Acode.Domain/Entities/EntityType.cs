namespace Acode.Domain.Entities;

/// <summary>The kinds of run entities; the names are the <c>EntityType</c> part of outbox idempotency keys.</summary>
public enum EntityType
{
    /// <summary>A <see cref="Entities.Session"/>: the session row (<c>sessions</c>).</summary>
    Session,
    /// <summary>A <see cref="Entities.SessionTask"/>: a task of a session (<c>tasks</c>).</summary>
    SessionTask,
    /// <summary>A <see cref="Entities.Step"/>: a step of a task (<c>steps</c>).</summary>
    Step,
    /// <summary>A <see cref="Entities.ToolCall"/>: a tool call of a step (<c>tool_calls</c>).</summary>
    ToolCall,
    /// <summary>A <see cref="Entities.Artifact"/>: an artifact of a session (<c>artifacts</c>).</summary>
    Artifact,
    /// <summary>A <see cref="Entities.SessionEvent"/>: an event of a session's log (<c>events</c>).</summary>
    SessionEvent,
}

namespace Acode.Domain.Entities;

/// <summary>The life cycle of a session. <see cref="Completed"/>, <see cref="Failed"/> and <see cref="Cancelled"/> are terminal.</summary>
public enum SessionState
{
    /// <summary>Just created; nothing planned yet.</summary>
    Created,
    /// <summary>The agent is working out the tasks.</summary>
    Planning,
    /// <summary>Waiting for a person to approve the plan or a step.</summary>
    AwaitingApproval,
    /// <summary>Running tasks and tool calls.</summary>
    Executing,
    /// <summary>Stopped for now; may resume.</summary>
    Paused,
    /// <summary>Finished successfully (terminal).</summary>
    Completed,
    /// <summary>Finished unsuccessfully (terminal).</summary>
    Failed,
    /// <summary>Stopped for good by a person or the host (terminal).</summary>
    Cancelled,
}

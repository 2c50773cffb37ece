namespace Acode.Domain.Entities;

/// <summary>The life cycle of a session. <see cref="Completed"/>, <see cref="Failed"/> and <see cref="Cancelled"/> are terminal.</summary>
public enum SessionState
{
    Created,
    Planning,
    AwaitingApproval,
    Executing,
    Paused,
    Completed,
    Failed,
    Cancelled,
}

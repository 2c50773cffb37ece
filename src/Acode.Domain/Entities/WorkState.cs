namespace Acode.Domain.Entities;

/// <summary>The state of a task or a step of a task.</summary>
public enum WorkState
{
    Pending,
    Running,
    Completed,
    Failed,
    Skipped,
    Cancelled,
}

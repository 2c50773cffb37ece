namespace Acode.Domain.Entities;

/// <summary>The state of a tool call.</summary>
public enum ToolCallStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

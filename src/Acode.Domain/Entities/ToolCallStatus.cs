namespace Acode.Domain.Entities;

/// <summary>The state of a tool call.</summary>
public enum ToolCallStatus
{
    /// <summary>Created, not started.</summary>
    Pending,
    /// <summary>Started, running.</summary>
    Running,
    /// <summary>Finished with a result.</summary>
    Succeeded,
    /// <summary>Finished with an error.</summary>
    Failed,
    /// <summary>Stopped before it finished.</summary>
    Cancelled,
}

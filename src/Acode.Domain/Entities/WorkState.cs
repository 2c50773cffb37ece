namespace Acode.Domain.Entities;

/// <summary>The state of a task or a step of a task.</summary>
public enum WorkState
{
    /// <summary>Not started.</summary>
    Pending,
    /// <summary>Started, running.</summary>
    Running,
    /// <summary>Finished successfully.</summary>
    Completed,
    /// <summary>Finished unsuccessfully.</summary>
    Failed,
    /// <summary>Not run, on purpose.</summary>
    Skipped,
    /// <summary>Stopped before it finished.</summary>
    Cancelled,
}

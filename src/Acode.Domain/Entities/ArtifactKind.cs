namespace Acode.Domain.Entities;

/// <summary>What an artifact is.</summary>
public enum ArtifactKind
{
    /// <summary>A file the agent wrote or read.</summary>
    File,
    /// <summary>A diff (a patch the agent proposed or applied).</summary>
    Diff,
    /// <summary>A log (a build or test output).</summary>
    Log,
    /// <summary>Anything else.</summary>
    Other,
}

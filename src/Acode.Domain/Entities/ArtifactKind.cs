namespace Acode.Domain.Entities;

/// <summary>What an artifact is.</summary>
public enum ArtifactKind
{
    File,
    Diff,
    Log,
    Other,
}

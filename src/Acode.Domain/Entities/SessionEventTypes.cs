namespace Acode.Domain.Entities;

/// <summary>Event types the domain records by itself. Callers may append any other type.</summary>
public static class SessionEventTypes
{
    public const string Created = "session.created";
    public const string StateChanged = "session.state_changed";

    /// <summary>Recorded by a store when a save replaced secrets by markers; the payload counts them by kind, never holds them.</summary>
    public const string SecretsRedacted = "secrets.redacted";
}

namespace Acode.Domain.Entities;

/// <summary>Event types the domain records by itself. Callers may append any other type.</summary>
public static class SessionEventTypes
{
    /// <summary>Appended by <see cref="Session.Create"/>; payload <c>{"title":…}</c>.</summary>
    public const string Created = "session.created";
    /// <summary>Appended by <see cref="Session.TransitionTo"/>; payload <c>{"from":…,"to":…,"reason":…}</c> (reason only when given).</summary>
    public const string StateChanged = "session.state_changed";

    /// <summary>Recorded by a store when a save replaced secrets by markers; the payload counts them by kind, never holds them.</summary>
    public const string SecretsRedacted = "secrets.redacted";
}

namespace Acode.Domain.Entities;

/// <summary>Event types the domain records by itself. Callers may append any other type.</summary>
public static class SessionEventTypes
{
    public const string Created = "session.created";
    public const string StateChanged = "session.state_changed";
}

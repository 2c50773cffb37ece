namespace Acode.Domain.Entities;

/// <summary>A session was asked to move to a state its current state does not lead to. Nothing was changed.</summary>
public sealed class InvalidStateTransitionException : InvalidOperationException
{
    public InvalidStateTransitionException(SessionId sessionId, SessionState from, SessionState to, IReadOnlyList<SessionState> allowed)
        : base(Describe(sessionId, from, to, allowed))
    {
        SessionId = sessionId;
        From = from;
        To = to;
    }

    public SessionId SessionId { get; }

    public SessionState From { get; }

    public SessionState To { get; }

    private static string Describe(SessionId id, SessionState from, SessionState to, IReadOnlyList<SessionState> allowed)
        => allowed.Count == 0
            ? $"Session {id} is {from}, a terminal state: it cannot move to {to}. Start a new session instead."
            : $"Session {id} cannot move from {from} to {to}. From {from} it can move to: {string.Join(", ", allowed)}.";
}

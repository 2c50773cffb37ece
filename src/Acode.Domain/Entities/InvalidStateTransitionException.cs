namespace Acode.Domain.Entities;

/// <summary>A session was asked to move to a state its current state does not lead to. Nothing was changed.</summary>
public sealed class InvalidStateTransitionException : InvalidOperationException
{
    /// <summary>The error for a refused transition; the message names the session, both states and the allowed ones.</summary>
    /// <param name="sessionId">The session that was asked to move.</param>
    /// <param name="from">Its state.</param>
    /// <param name="to">The state asked for.</param>
    /// <param name="allowed">The states it may move to from <paramref name="from"/> (named in the message).</param>
    public InvalidStateTransitionException(SessionId sessionId, SessionState from, SessionState to, IReadOnlyList<SessionState> allowed)
        : base(Describe(sessionId, from, to, allowed))
    {
        SessionId = sessionId;
        From = from;
        To = to;
    }

    /// <summary>The session that was asked to move.</summary>
    public SessionId SessionId { get; }

    /// <summary>The state it was in (and still is).</summary>
    public SessionState From { get; }

    /// <summary>The state asked for.</summary>
    public SessionState To { get; }

    private static string Describe(SessionId id, SessionState from, SessionState to, IReadOnlyList<SessionState> allowed)
        => allowed.Count == 0
            ? $"Session {id} is {from}, a terminal state: it cannot move to {to}. Start a new session instead."
            : $"Session {id} cannot move from {from} to {to}. From {from} it can move to: {string.Join(", ", allowed)}.";
}

namespace Acode.Domain.Entities;

/// <summary>The legal session state transitions; anything not listed here is refused.</summary>
public static class SessionStateMachine
{
    private static readonly Dictionary<SessionState, SessionState[]> Allowed = new()
    {
        [SessionState.Created] = [SessionState.Planning, SessionState.Executing, SessionState.Cancelled, SessionState.Failed],
        [SessionState.Planning] = [SessionState.AwaitingApproval, SessionState.Executing, SessionState.Paused, SessionState.Cancelled, SessionState.Failed],
        [SessionState.AwaitingApproval] = [SessionState.Planning, SessionState.Executing, SessionState.Paused, SessionState.Cancelled, SessionState.Failed],
        [SessionState.Executing] = [SessionState.Planning, SessionState.AwaitingApproval, SessionState.Paused, SessionState.Completed, SessionState.Failed, SessionState.Cancelled],
        [SessionState.Paused] = [SessionState.Planning, SessionState.Executing, SessionState.Cancelled, SessionState.Failed],
        [SessionState.Completed] = [],
        [SessionState.Failed] = [],
        [SessionState.Cancelled] = [],
    };

    public static bool IsTerminal(SessionState state) => Allowed[state].Length == 0;

    public static bool CanTransition(SessionState from, SessionState to) => Array.IndexOf(Allowed[from], to) >= 0;

    public static IReadOnlyList<SessionState> NextStates(SessionState from) => Allowed[from];

    /// <exception cref="InvalidStateTransitionException">The transition is not allowed.</exception>
    public static void EnsureCanTransition(SessionId id, SessionState from, SessionState to)
    {
        if (!CanTransition(from, to))
        {
            throw new InvalidStateTransitionException(id, from, to, Allowed[from]);
        }
    }
}

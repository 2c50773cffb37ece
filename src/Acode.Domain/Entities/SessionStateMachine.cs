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

    /// <summary>True for a state the session can never leave (<see cref="SessionState.Completed"/>, <see cref="SessionState.Failed"/>, <see cref="SessionState.Cancelled"/>); no new work can be added then.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is not a defined <see cref="SessionState"/>.</exception>
    public static bool IsTerminal(SessionState state) => AllowedFrom(state).Length == 0;

    /// <summary>Whether a session in <paramref name="from"/> may move to <paramref name="to"/> (never to a value that is not a defined state).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="from"/> is not a defined <see cref="SessionState"/>.</exception>
    public static bool CanTransition(SessionState from, SessionState to) => Array.IndexOf(AllowedFrom(from), to) >= 0;

    /// <summary>The states a session in <paramref name="from"/> may move to; empty for a terminal state.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="from"/> is not a defined <see cref="SessionState"/>.</exception>
    public static IReadOnlyList<SessionState> NextStates(SessionState from) => AllowedFrom(from);

    private static SessionState[] AllowedFrom(SessionState state)
        => Allowed.TryGetValue(state, out SessionState[]? next) ? next
            : throw new ArgumentOutOfRangeException(nameof(state), state, $"A session state is one of {string.Join(", ", Enum.GetNames<SessionState>())}.");

    /// <summary>Returns when a session <paramref name="id"/> in <paramref name="from"/> may move to <paramref name="to"/>; throws otherwise.</summary>
    /// <exception cref="InvalidStateTransitionException">The transition is not allowed.</exception>
    public static void EnsureCanTransition(SessionId id, SessionState from, SessionState to)
    {
        if (!CanTransition(from, to))
        {
            throw new InvalidStateTransitionException(id, from, to, AllowedFrom(from));
        }
    }
}

using Acode.Domain.Entities;

namespace Acode.Domain.Tests.Support;

internal static class Sessions
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 15, 10, 30, 0, TimeSpan.Zero);

    /// <summary>A new session driven through legal transitions into <paramref name="state"/>.</summary>
    public static Session InState(SessionState state, TimeProvider? clock = null)
    {
        var session = Session.Create("Fix the build", "Make CI green", clock);
        SessionState[] path = state switch
        {
            SessionState.Created => [],
            SessionState.Planning => [SessionState.Planning],
            SessionState.AwaitingApproval => [SessionState.Planning, SessionState.AwaitingApproval],
            SessionState.Executing => [SessionState.Executing],
            SessionState.Paused => [SessionState.Planning, SessionState.Paused],
            SessionState.Completed => [SessionState.Executing, SessionState.Completed],
            SessionState.Failed => [SessionState.Failed],
            SessionState.Cancelled => [SessionState.Cancelled],
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
        };

        foreach (SessionState next in path)
        {
            session.TransitionTo(next);
        }

        return session;
    }

    /// <summary>The events appended since the last save, in order.</summary>
    public static List<SessionEvent> PendingEvents(Session session) => [.. session.PendingChanges.OfType<SessionEvent>()];
}

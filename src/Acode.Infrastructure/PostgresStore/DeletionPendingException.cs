namespace Acode.Infrastructure.PostgresStore;

/// <summary>
/// <c>acode session pull</c> of a session this workspace deleted whose deletion still waits in the outbox (pending or
/// dead-lettered): pulled back, it would be live here while the deletion, once synced, deletes it team-wide. Nothing is
/// written (README, "Reading the team's sessions back").
/// </summary>
internal sealed class DeletionPendingException : Exception
{
    /// <param name="sessionId">The session whose deletion waits.</param>
    public DeletionPendingException(SessionId sessionId)
        : base($"Session {sessionId} was not pulled: its deletion here waits in the outbox to be synced.")
    {
        SessionId = sessionId;
    }

    /// <summary>The session whose deletion waits.</summary>
    public SessionId SessionId { get; }
}

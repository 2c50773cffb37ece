using Acode.Cli.Output;
using Acode.Infrastructure.Sqlite;

namespace Acode.Cli.Ui;

/// <summary>
/// What the local session page's Workspaces part says of a session PostgreSQL holds no copy of, by what this workspace's
/// outbox holds of the session row itself (<see cref="SessionOutboxState"/>): a change of it waiting is sent by
/// <c>acode db sync</c>; one PostgreSQL refused (a dead letter) is not, until it is requeued; with none, PostgreSQL had
/// the session and no longer does (trial AR 2, where the page said "'acode db sync' sends it" and the sync sent nothing;
/// trial AY F1: a change of one of its tasks waiting does not bring the session back), and whether
/// <c>acode db sync retry --processed</c> can send it again depends on what this workspace retains (trial AY F2, F3).
/// </summary>
internal static class NotInPostgresNote
{
    /// <summary>The line for <paramref name="sessionId"/>; one read of this workspace's outbox.</summary>
    public static async Task<string> ForAsync(SqliteRunStateStore store, SessionId sessionId, CancellationToken cancellationToken)
    {
        SessionOutboxState state = await store.ReadSessionOutboxStateAsync(sessionId, cancellationToken);
        if (state.RowDeadLettered)
        {
            return "Not in PostgreSQL yet." + DeadLetterHint.ForTheSession();
        }

        if (state.RowWaiting)
        {
            return "Not in PostgreSQL yet: 'acode db sync' sends it.";
        }

        return "Not in PostgreSQL, and no change of the session itself waits in this workspace's outbox"
            + (state.PartsWaiting ? " (changes of its parts do, and the sync sends them, but they do not bring the session back)" : "")
            + ": PostgreSQL had it and no longer does (a row deleted by hand, a database restored from an older backup, or another database than the one it was synced to). "
            + (state.RowRetained
                ? "For a restored or another database, 'acode db sync retry --processed' sends again what this workspace retains of it, the session with it; a row deleted by hand stays deleted (PostgreSQL remembers what it applied). "
                : "This workspace retains no delivered record of it (it pulled the session, or the outbox's retention removed them), so no sync sends it again. ")
            + $"'acode session export {sessionId.Value}' writes this workspace's copy to a file.";
    }
}

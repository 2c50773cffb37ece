using Acode.Cli.Output;
using Acode.Infrastructure.Sqlite;

namespace Acode.Cli.Ui;

/// <summary>
/// What the local session page's Workspaces part says of a session PostgreSQL holds no copy of, by this workspace's
/// outbox: changes waiting are sent by <c>acode db sync</c>; a change PostgreSQL refused (a dead letter) is not, until it
/// is requeued; and with nothing waiting the session was delivered and then removed there outside acode (a row deleted by
/// hand, an older backup restored: trial AR 2, where the page said "'acode db sync' sends it" and the sync sent nothing).
/// </summary>
internal static class NotInPostgresNote
{
    /// <summary>The line for <paramref name="sessionId"/>; reads this workspace's outbox (two short reads).</summary>
    public static async Task<string> ForAsync(SqliteRunStateStore store, SessionId sessionId, CancellationToken cancellationToken)
    {
        if (!(await store.FindUnsyncedSessionIdsAsync(cancellationToken)).Contains(sessionId.Value))
        {
            return "Not in PostgreSQL, although this workspace delivered every change of it: it was removed there outside acode "
                + "(a row deleted by hand, or an older backup restored). This workspace's copy is whole, and "
                + $"'acode session export {sessionId.Value}' writes it to a file; 'acode db sync' does not send it again.";
        }

        return store.FindDeadLetteredSessionIds(cancellationToken).Contains(sessionId.Value)
            ? "Not in PostgreSQL yet." + DeadLetterHint.ForTheSession()
            : "Not in PostgreSQL yet: 'acode db sync' sends it.";
    }
}

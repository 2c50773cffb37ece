namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// What this workspace's outbox holds for one session (<see cref="SqliteRunStateStore.ReadSessionOutboxStateAsync"/>).
/// </summary>
/// <param name="RowWaiting">A change of the session row itself waits to be delivered (a pending record).</param>
/// <param name="RowDeadLettered">A change of the session row itself was refused by PostgreSQL (a dead letter).</param>
/// <param name="PartsWaiting">A change of one of its tasks, steps, tool calls, artifacts or events waits or was refused.</param>
/// <param name="RowRetained">A delivered record of the session row is still retained (<c>acode db sync retry --processed</c> sends it again).</param>
internal sealed record SessionOutboxState(bool RowWaiting, bool RowDeadLettered, bool PartsWaiting, bool RowRetained);

using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sync;
using Acode.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// A row never moves between sessions (docs/architecture.md, "Conflicts"), also when the change that would move it is
/// judged before the row arrives: an applier of another session, which the per-session advisory locks do not
/// serialize with this one, commits the row while this applier waits to merge. The change is lost and audited.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ChildOwnershipSyncTests(PostgresFixture fixture)
{
    private const string OriginalOrigin = "ws_00000000000000000000000000000000";
    private const string ForkOrigin = "ws_ffffffffffffffffffffffffffffffff";

    [Fact]
    public async Task A_first_delivery_into_another_session_racing_the_original_loses_and_is_audited()
    {
        string pg = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(pg);
        await new PostgresMigrator().MigrateAsync(dataSource);
        Session original = Session.Create("original");
        SessionTask task = original.AddTask("shared task");
        SessionId forkId = SessionId.New();
        string json = EntityJson.Serialize(EntityDocuments.From(task, 1, task.UpdatedAt));
        OutboxRecord forkChange = Record(task, forkId.Value, json.Replace(original.Id.Value, forkId.Value, StringComparison.Ordinal));

        // The original's row, inserted by a transaction that has not committed yet: invisible to the applier's read.
        await using NpgsqlConnection other = await dataSource.OpenConnectionAsync();
        await using NpgsqlTransaction otherTransaction = await other.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(MirrorTable.For(EntityType.SessionTask).StoreOneSql, other, otherTransaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = json });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = task.UpdatedAt.UtcTicks });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = OriginalOrigin });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = false });
            await insert.ExecuteNonQueryAsync();
        }

        using var applier = new PostgresOutboxApplier(dataSource, NullLogger.Instance);
        Task<BatchApplyResult> applying = applier.ApplyAsync([forkChange], CancellationToken.None);
        await WaitUntilBlockedAsync(dataSource, applying);
        await otherTransaction.CommitAsync();
        BatchApplyResult result = await applying;

        Assert.Equal(ApplyOutcome.ConflictLost, result.Outcomes[forkChange.Id]);
        Assert.Equal(original.Id.Value, result.OwnedByOtherSession[forkChange.Id]); // told apart from a loss to a newer version: nothing to pull
        Assert.Equal(original.Id.Value, await ScalarAsync(dataSource, "SELECT session_id FROM session_tasks WHERE id = $1", task.Id.Value));
        Assert.Equal($"existing {original.Id.Value} {forkId.Value}", await ScalarAsync(dataSource,
            "SELECT winner || ' ' || (existing_payload->>'sessionId') || ' ' || session_id FROM sync_conflicts WHERE entity_id = $1", task.Id.Value));
    }

    private static OutboxRecord Record(SessionTask task, string sessionId, string payload) => new(
        1, IdempotencyKey.For(EntityType.SessionTask, task.Id.Value, task.UpdatedAt), EntityType.SessionTask, task.Id.Value, sessionId, OutboxOperation.Upsert,
        0, 1, ForkOrigin, payload, OutboxStatus.Pending, 0, null, null, null, null, task.CreatedAt, task.UpdatedAt, null, task.UpdatedAt);

    /// <summary>Waits (no time limit but the test's) until a backend waits on a lock: the applier's merge, behind the uncommitted row.</summary>
    private static async Task WaitUntilBlockedAsync(NpgsqlDataSource dataSource, Task applying)
    {
        while ((string?)await ScalarAsync(dataSource, "SELECT 'blocked' FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' LIMIT 1") is null)
        {
            Assert.False(applying.IsCompleted, "the applier finished without waiting for the uncommitted row");
            await Task.Delay(20);
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlDataSource dataSource, string sql, params string[] parameters)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(sql);
        foreach (string parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        object? value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }
}

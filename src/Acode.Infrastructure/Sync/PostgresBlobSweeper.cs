using Npgsql;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// Deletes from PostgreSQL's <c>blobs</c> every blob no mirror row names any more (their sessions were deleted or pruned,
/// or their rows now name other content; docs/storage.md). Part of the server's hourly housekeeping
/// (<see cref="SyncAppliedPruner"/>).
/// </summary>
/// <remarks>
/// The sweep takes <c>blobs</c> in EXCLUSIVE mode for its one statement: writers that are about to name a blob lock it
/// first (<c>SELECT … FOR KEY SHARE</c> in <see cref="PostgresStore.PostgresBlobs.ExistingAsync"/>) or insert it, in the
/// transaction that writes their rows, so the sweep waits for them to commit and then sees their rows, and a writer that
/// starts during the sweep waits for it and then inserts the blob again if the sweep removed it.
/// </remarks>
internal static class PostgresBlobSweeper
{
    private const string SweepSql = """
        LOCK TABLE blobs IN EXCLUSIVE MODE;
        DELETE FROM blobs b
        WHERE NOT EXISTS (SELECT 1 FROM tool_calls t WHERE t.arguments_blob = b.hash)
          AND NOT EXISTS (SELECT 1 FROM tool_calls t WHERE t.result_blob = b.hash)
          AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.content_blob = b.hash);
        """;

    /// <returns>How many blobs were deleted.</returns>
    public static async Task<int> SweepAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var command = new NpgsqlCommand(SweepSql, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        int deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }
}

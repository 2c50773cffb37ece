using System.Diagnostics;
using System.Globalization;
using Acode.Application.Sync;
using Acode.Infrastructure;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Resilience.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Resilience.Tests.Scenarios;

/// <summary>
/// Scenario 5, duplicate and out-of-order delivery: one workspace's outbox is delivered to three PostgreSQL databases:
/// in order; in shuffled batches (whole batches in random order, so later versions of an entity arrive before earlier
/// ones); and in order, then replayed again and again (processed records re-queued, and a copy of the workspace, as if
/// restored from an old backup, syncing the whole outbox a second time at the same moment). All three must end
/// identical, row for row, with every idempotency key applied once.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class S5_DuplicateAndOutOfOrderDeliveryTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private const int BatchSize = 25;

    [Fact]
    [Trait("AC", "AC-046")]
    [Trait("AC", "AC-049")]
    [Trait("Scenario", "5")]
    public Task Replayed_and_shuffled_batches_leave_PostgreSQL_identical_to_the_in_order_result()
        => ShuffleAndReplayAsync(Knobs.Seed);

    /// <summary>
    /// The shuffle of seed 1929585152 put a session's version 12 in one batch and, in the next, its version 13 ahead
    /// of its versions 5–11 (outbox ids no longer in version order): the applier judged that chain by its last record
    /// by position (version 11), so version 13 was lost and PostgreSQL kept version 12. A chain is judged in version order.
    /// </summary>
    [Fact]
    [Trait("AC", "AC-046")]
    [Trait("Scenario", "5")]
    public Task A_chain_delivered_out_of_version_order_keeps_its_newest_version()
        => ShuffleAndReplayAsync(1929585152);

    private async Task ShuffleAndReplayAsync(int shuffleSeed)
    {
        var random = new Random(shuffleSeed + 5);
        using var scratch = new Scratch();
        string original = scratch.Dir("original");
        using (ChildProcess seed = ChildProcess.StartDriver("save-loop", "--workspace", original, "--max", "400", "--units-per-session", "12"))
        {
            Assert.True(await seed.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, seed.Stdout + seed.Stderr);
        }

        string inOrder = CopyWorkspace(original, scratch.Dir("in-order"));
        string shuffled = CopyWorkspace(original, scratch.Dir("shuffled"));
        string replayed = CopyWorkspace(original, scratch.Dir("replayed"));
        string backup = CopyWorkspace(original, scratch.Dir("backup"));
        string pgInOrder = await fixture.CreateDatabaseAsync();
        string pgShuffled = await fixture.CreateDatabaseAsync();
        string pgReplayed = await fixture.CreateDatabaseAsync();
        var clock = Stopwatch.StartNew();

        // 1. In order.
        await SyncAllAsync(inOrder, pgInOrder);
        List<string> expected = await SyncLedger.MirrorSnapshotAsync(pgInOrder);
        long records = Db.Count(new Workspace(inOrder).DatabasePath, "SELECT count(*) FROM outbox");

        // 2. Shuffled batches: renumber the outbox so that whole batches come in a random order.
        (int batches, int invertedEntities) = ShuffleBatches(new Workspace(shuffled).DatabasePath, random);
        SyncRunResult shuffledRun = await SyncAllAsync(shuffled, pgShuffled);
        List<string> afterShuffle = await SyncLedger.MirrorSnapshotAsync(pgShuffled);
        long shuffledConflicts = await PostgresSql.CountAsync(pgShuffled, "SELECT count(*) FROM sync_conflicts");

        // 3. In order, then replays: three rounds of re-queued processed records while a restored backup syncs everything again.
        await SyncAllAsync(replayed, pgReplayed);
        long redelivered = 0, reportedDuplicates = 0;
        for (int round = 1; round <= 3; round++)
        {
            redelivered += Requeue(new Workspace(replayed).DatabasePath, random, round == 3 ? 1.0 : 0.3);
            Task<SyncRunResult> replay = SyncAllAsync(replayed, pgReplayed);
            Task<SyncRunResult> fromBackup = round == 2 ? SyncAllAsync(backup, pgReplayed) : Task.FromResult(new SyncRunResult(0, 0, 0, 0, 0, 0, false, null));
            SyncRunResult[] results = await Task.WhenAll(replay, fromBackup);
            redelivered += round == 2 ? records : 0;
            reportedDuplicates += results.Sum(r => r.Duplicates);
        }

        List<string> afterReplay = await SyncLedger.MirrorSnapshotAsync(pgReplayed);
        long appliedKeys = await PostgresSql.CountAsync(pgReplayed, "SELECT count(*) FROM sync_applied");
        long replayConflicts = await PostgresSql.CountAsync(pgReplayed, "SELECT count(*) FROM sync_conflicts");
        int shuffleDiff = Difference(expected, afterShuffle), replayDiff = Difference(expected, afterReplay);
        string figure = string.Create(CultureInfo.InvariantCulture,
            $"{records} records, {expected.Count} mirror rows. Shuffled: {batches} batches of {BatchSize} in random order ({invertedEntities} entities received a later version first), " +
            $"{shuffleDiff} rows differ from in-order, {shuffledRun.Retried + shuffledRun.DeadLettered} failures, {shuffledConflicts} conflicts audited. " +
            $"Replayed: {redelivered} redeliveries (3 re-queue rounds + a restored backup syncing concurrently), {reportedDuplicates} recognised as duplicates, " +
            $"{replayDiff} rows differ, {appliedKeys - records} keys applied twice, {replayConflicts} conflicts; {clock.Elapsed.TotalSeconds:0} s");
        Figures.Report(output, "S5 duplicate and out-of-order delivery", figure);
        Assert.True(shuffleDiff == 0 && replayDiff == 0 && appliedKeys == records && reportedDuplicates == redelivered && shuffledRun.Retried + shuffledRun.DeadLettered == 0, figure);
        Assert.True(invertedEntities > 0, "the shuffle inverted no entity's versions: " + figure);
    }

    private static async Task<SyncRunResult> SyncAllAsync(string root, string connectionString)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(root));
        using var sync = new OutboxSyncService(database, PostgresConnectionSettings.Parse(connectionString, "test"), new SyncOptions { BatchSize = BatchSize });
        SyncRunResult result = await sync.SyncAsync();
        Assert.False(result.Paused, result.PauseReason);
        if (result.Remaining != 0)
        {
            // Say which records stayed and why (their attempts and last error), should a concurrent run leave one behind.
            List<string> left = Db.Strings(new Workspace(root).DatabasePath, "SELECT id || ' ' || entity_type || ' v' || version || ' ' || status || ' attempts ' || attempts || ': ' || coalesce(last_error, '(no error)') FROM outbox WHERE status <> 'Processed' ORDER BY id;");
            Assert.Fail($"{result.Remaining} record(s) left after the run ({result}): {string.Join("; ", left)}");
        }

        return result;
    }

    /// <summary>Renumbers the outbox so that blocks of <see cref="BatchSize"/> records (in id order) are claimed in a random block order.</summary>
    private static (int Batches, int InvertedEntities) ShuffleBatches(string path, Random random)
    {
        using SqliteConnection connection = Db.Open(path);
        List<(long Id, string Entity, long Version)> records = Db.Strings(connection, "SELECT id, entity_id, version FROM outbox ORDER BY id;")
            .Select(r => r.Split('|')).Select(p => (long.Parse(p[0], CultureInfo.InvariantCulture), p[1], long.Parse(p[2], CultureInfo.InvariantCulture))).ToList();
        List<List<(long Id, string Entity, long Version)>> blocks = records.Chunk(BatchSize).Select(c => c.ToList()).OrderBy(_ => random.Next()).ToList();
        List<(long Id, string Entity, long Version)> order = blocks.SelectMany(b => b).ToList();
        using SqliteTransaction transaction = connection.BeginTransaction();
        Execute(connection, transaction, "UPDATE outbox SET id = id + 1000000000;");
        for (int i = 0; i < order.Count; i++)
        {
            Execute(connection, transaction, string.Create(CultureInfo.InvariantCulture, $"UPDATE outbox SET id = {i + 1} WHERE id = {order[i].Id + 1_000_000_000};"));
        }

        transaction.Commit();
        int inverted = order.Select((r, position) => (r.Entity, r.Version, position)).GroupBy(r => r.Entity)
            .Count(g => g.OrderBy(r => r.position).Select(r => r.Version).Zip(g.OrderBy(r => r.position).Select(r => r.Version).Skip(1)).Any(p => p.Second < p.First));
        return (blocks.Count, inverted);
    }

    /// <summary>Puts a random share of the processed records back in the queue, as if their acknowledgement had been lost.</summary>
    private static long Requeue(string path, Random random, double share)
    {
        using SqliteConnection connection = Db.Open(path);
        List<string> ids = Db.Strings(connection, "SELECT id FROM outbox WHERE status = 'Processed';").Where(_ => random.NextDouble() < share).ToList();
        using SqliteTransaction transaction = connection.BeginTransaction();
        foreach (string id in ids)
        {
            Execute(connection, transaction, $"UPDATE outbox SET status = 'Pending', processed_at = NULL WHERE id = {id};");
        }

        transaction.Commit();
        return ids.Count;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static int Difference(List<string> expected, List<string> actual)
        => expected.Except(actual, StringComparer.Ordinal).Count() + actual.Except(expected, StringComparer.Ordinal).Count();

    private static string CopyWorkspace(string from, string to)
    {
        string target = new Workspace(to).DatabasePath;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(new Workspace(from).DatabasePath, target);
        return to;
    }
}

using Acode.Application.Outbox;
using Acode.Application.Sync;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// The sync's side of the outbox, under one lease owner: claim batches (bounded by <see cref="SyncOptions.BatchSize"/>
/// and <see cref="SyncOptions.MaxBatchBytes"/>), acknowledge them, give them back, count failed attempts.
/// </summary>
internal sealed class OutboxClaimer
{
    private readonly IOutboxClaims _outbox;
    private readonly SyncOptions _options;

    /// <param name="outbox">The workspace's outbox.</param>
    /// <param name="options">Batch bounds and lease.</param>
    /// <param name="owner">The lease owner name of this process (host:pid:random).</param>
    public OutboxClaimer(IOutboxClaims outbox, SyncOptions options, string owner)
    {
        _outbox = outbox;
        _options = options;
        Owner = owner;
    }

    public string Owner { get; }

    public Task<IReadOnlyList<OutboxRecord>> ClaimAsync(CancellationToken cancellationToken)
        => _outbox.ClaimAsync(Owner, _options.BatchSize, _options.MaxBatchBytes, _options.Lease, cancellationToken);

    /// <summary>
    /// On a thread of the pool, so that it runs while the caller waits on PostgreSQL: acknowledges <paramref name="acknowledge"/>
    /// and claims the next batch in one local transaction. Never cancelled: what PostgreSQL committed is acknowledged.
    /// </summary>
    public Task<IReadOnlyList<OutboxRecord>> AcknowledgeAndClaimInBackground(IReadOnlyList<OutboxRecord> acknowledge)
    {
        long[] ids = [.. acknowledge.Select(r => r.Id)];
        return Task.Run(() => _outbox.AcknowledgeAndClaimAsync(Owner, ids, _options.BatchSize, _options.MaxBatchBytes, _options.Lease, CancellationToken.None), CancellationToken.None);
    }

    /// <summary>Marks the batch delivered; never cancelled half-way (PostgreSQL has committed it).</summary>
    public Task AcknowledgeAsync(IReadOnlyList<OutboxRecord> batch)
        => _outbox.AcknowledgeAsync(Owner, [.. batch.Select(r => r.Id)], CancellationToken.None);

    /// <summary>Gives the records back without counting an attempt.</summary>
    public Task ReleaseAsync(IReadOnlyList<OutboxRecord> batch)
        => batch.Count == 0 ? Task.CompletedTask : _outbox.ReleaseAsync(Owner, [.. batch.Select(r => r.Id)], CancellationToken.None);

    /// <summary>Counts a failed attempt of <paramref name="record"/>: back to the queue at <paramref name="nextAttemptAt"/>, or dead-lettered.</summary>
    public Task RecordFailureAsync(OutboxRecord record, string error, DateTimeOffset nextAttemptAt, bool deadLetter)
        => _outbox.RecordFailureAsync(Owner, record.Id, error, nextAttemptAt, deadLetter, CancellationToken.None);
}

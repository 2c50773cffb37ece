using System.Data.Common;

namespace Acode.Application.Outbox;

/// <summary>The outbox as a save sees it: a record appended inside the save's own transaction (the outbox's first role).</summary>
public interface IOutboxAppender
{
    /// <summary>
    /// Appends <paramref name="entry"/> inside <paramref name="transaction"/>, which the caller owns and commits.
    /// A record with the same idempotency key already present is not appended again.
    /// </summary>
    /// <returns><see langword="true"/> when a record was appended.</returns>
    Task<bool> AppendAsync(DbTransaction transaction, OutboxEntry entry, string originWorkspaceId, CancellationToken cancellationToken = default);
}

namespace Acode.Infrastructure.Sync;

/// <summary>
/// Records of a batch that name a blob of large content the workspace database does not hold (docs/storage.md): they
/// cannot be delivered, since PostgreSQL would get rows naming content it never receives. Only a workspace damaged by
/// hand, or by an acode whose sweep removed the blobs of delivered records (before the fix of docs/storage.md, "Which
/// blobs a sweep keeps"), holds such records. Each of them fails as a record does (an attempt, then a dead letter,
/// <see cref="BatchDelivery"/>) with <see cref="Reasons"/>' message; the rest of the batch is delivered.
/// </summary>
internal sealed class MissingBlobException : Exception
{
    /// <param name="reasons">Per outbox record id, what is missing and what to do (at least one).</param>
    public MissingBlobException(IReadOnlyDictionary<long, string> reasons)
        : base(reasons.Values.First())
    {
        Reasons = reasons;
    }

    /// <summary>Per outbox record id: the message its failure records (<c>last_error</c>).</summary>
    public IReadOnlyDictionary<long, string> Reasons { get; }

    /// <summary>
    /// The message of record <paramref name="recordId"/> (outbox id), <paramref name="entity"/> (e.g. <c>ToolCall tc_…</c>) at
    /// <paramref name="version"/>, whose payload names the missing blob <paramref name="hash"/> (SHA-256, hex; shown shortened to 12 digits, as <c>acode db check</c> shows it).
    /// </summary>
    public static string Describe(long recordId, string entity, long version, string hash)
        => $"ACODE-DB-002: outbox record {recordId} ({entity}, version {version}) names blob {(hash.Length > 12 ? hash[..12] : hash)} of large content, "
           + "which the workspace database lacks: it cannot be delivered. Run 'acode db check'; restore .agent/workspace.db from a backup to deliver "
           + "this version (a later version of the same entity is delivered on its own)";
}

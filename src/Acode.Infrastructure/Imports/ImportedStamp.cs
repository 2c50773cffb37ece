using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Acode.Infrastructure.Imports;

/// <summary>
/// The <c>updated_at</c> an import writes a version with (docs/architecture.md, "Each version its own stamp"), the
/// same rule on both engines. A version's <c>updated_at</c> is its hybrid logical clock stamp: it must be later than the
/// stamp of the version it replaces, because the outbox idempotency key <c>EntityType:id:updated_at</c> names one version
/// only while that holds (a second version at the same stamp would find its key taken and never be synced), and
/// PostgreSQL's last-writer-wins order (deleted, hlc, origin) would rank it no later than the version it replaces. An
/// import keeps the incoming stamp when it is later; otherwise (an export edited by hand so that <c>version</c> rose but
/// <c>updatedAt</c> did not, or a row changed here at a later stamp) the version is stamped after the stored one by
/// 1 + <see cref="Spread"/> ticks (100 ns each), an offset taken from the SHA-256 of the incoming document. The result
/// depends only on the two stamps and the content: two workspaces importing the same file over the same stored version
/// write the same change, with the same key (PostgreSQL recognises it as one), while two different edits of the same
/// stored version get different stamps, so neither is taken for the other (a duplicate, or the version the other's
/// next change continues): they are concurrent changes, judged and audited as a conflict.
/// </summary>
internal static class ImportedStamp
{
    /// <summary>How many stamps (ticks after the stored one's next) different contents spread over: 2²⁴ ticks, 1.68 s.</summary>
    public const long Spread = 1L << 24;

    /// <summary>The stamp to write an incoming version with.</summary>
    /// <param name="incoming">The incoming version's <c>updated_at</c>.</param>
    /// <param name="stored">The <c>updated_at</c> of the stored version it replaces; null when no row is stored.</param>
    /// <param name="document">The incoming version's document (JSON), asked for only when the stamp is not later than the stored one.</param>
    public static DateTimeOffset For(DateTimeOffset incoming, DateTimeOffset? stored, Func<string> document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (stored is not { } before || incoming.UtcTicks > before.UtcTicks)
        {
            return incoming;
        }

        ulong hash = BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(document())));
        return new DateTimeOffset(before.UtcTicks + 1 + (long)(hash % Spread), TimeSpan.Zero);
    }
}

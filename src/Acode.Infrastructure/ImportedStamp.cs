namespace Acode.Infrastructure;

/// <summary>
/// The <c>updated_at</c> an import writes a version with (docs/architecture.md, "Each version its own stamp"), the
/// same rule on both engines. A version's <c>updated_at</c> is its hybrid logical clock stamp: it must be later than the
/// stamp of the version it replaces, because the outbox idempotency key <c>EntityType:id:updated_at</c> names one version
/// only while that holds (a second version at the same stamp would find its key taken and never be synced), and
/// PostgreSQL's last-writer-wins order (deleted, hlc, origin) would rank it no later than the version it replaces. An
/// import keeps the incoming stamp when it is later; otherwise (an export edited by hand so that <c>version</c> rose but
/// <c>updatedAt</c> did not, or a row changed here at a later stamp) the version is stamped one tick (100 ns) after the
/// stored one, as a transcript import moves a line that is not later. The result depends only on the two stamps, so
/// two workspaces importing the same file over the same stored version write the same change, with the same key.
/// </summary>
internal static class ImportedStamp
{
    /// <summary>The stamp to write an incoming version with.</summary>
    /// <param name="incoming">The incoming version's <c>updated_at</c>.</param>
    /// <param name="stored">The <c>updated_at</c> of the stored version it replaces; null when no row is stored.</param>
    public static DateTimeOffset For(DateTimeOffset incoming, DateTimeOffset? stored)
        => stored is { } before && incoming.UtcTicks <= before.UtcTicks ? new DateTimeOffset(before.UtcTicks + 1, TimeSpan.Zero) : incoming;
}

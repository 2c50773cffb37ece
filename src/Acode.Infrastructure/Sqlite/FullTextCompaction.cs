namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// When a removal merges a full-text index into one segment (FTS5 <c>'optimize'</c>) to give the pages of the removed
/// rows back: only when it removed a large share of the index's documents.
/// </summary>
/// <remarks>
/// FTS5 removes a document by writing delete markers (contentless tables: tombstones) into small new segments; the pages
/// that hold its words are freed only when a merge rewrites the segments holding them, and the old, large segments are
/// merged only by <c>'optimize'</c> (or by FTS5's automatic merges once the index has grown several times over). The
/// rewrite costs about the size of what remains of the index, so it is paid only when that is at most
/// <see cref="LargeShareDivisor"/> − 1 times what was removed: a removal's cost stays in proportion to what it removed.
/// Below that share the removed documents' words stay in the index's old pages (masked, never found) until a later
/// merge rewrites them; their rows and blobs are freed at once.
/// </remarks>
internal static class FullTextCompaction
{
    /// <summary>A removal of at least one in this many of the documents an index held merges it: 5, one fifth.</summary>
    public const int LargeShareDivisor = 5;

    /// <summary>
    /// Whether the index should be merged after going from <paramref name="documentsBefore"/> to
    /// <paramref name="documentsAfter"/> documents (counts ≥ 0; an index that grew meanwhile is not merged).
    /// </summary>
    public static bool ShouldOptimize(long documentsBefore, long documentsAfter)
    {
        long removed = documentsBefore - documentsAfter;
        return removed > 0 && removed * LargeShareDivisor >= documentsBefore;
    }
}

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// The documents in the two full-text indexes, as <see cref="SqliteWorkspaceDatabase.CountFullTextRows"/> counts them:
/// <paramref name="Entries"/> in <c>search_index</c> (one per searchable field of a row, schema 1.3.0) and
/// <paramref name="Blobs"/> in <c>blob_search_index</c> (one per text blob, schema 1.6.0). Both ≥ 0.
/// </summary>
internal readonly record struct FullTextRows(long Entries, long Blobs);

namespace Acode.Application.Queries;

/// <summary>
/// Which store printed a keyset cursor: a page of a workspace's own SQLite store and a page of the team's PostgreSQL
/// (<c>--remote</c>) are different listings, whose positions (and, for search, scores) mean different things, so a
/// cursor of one is refused by the other (<see cref="Errors.CursorMismatchException"/>).
/// </summary>
internal enum CursorSource
{
    /// <summary>A workspace's own store (SQLite).</summary>
    Workspace,

    /// <summary>A PostgreSQL store: the team's database.</summary>
    Postgres,
}

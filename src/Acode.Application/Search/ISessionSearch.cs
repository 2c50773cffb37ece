using Acode.Application.Queries;

namespace Acode.Application.Search;

/// <summary>
/// Full-text search over what sessions hold (docs/search.md): session titles and goals, task and step titles and
/// descriptions, tool-call names, arguments, results and errors, artifact names and the content of text artifacts (the
/// first 65,536 characters of each field). Implemented on the workspace SQLite database (FTS5, current in the
/// transaction of every save) and on the shared PostgreSQL mirror (every workspace's sessions; tombstoned sessions
/// left out).
/// </summary>
public interface ISessionSearch
{
    /// <summary>
    /// The hits of <paramref name="query"/> in sessions matching <paramref name="filter"/>, best first (score
    /// descending, then entity id and field: a total order), one keyset page at a time.
    /// </summary>
    /// <remarks>
    /// <see cref="SessionFilter.CreatedFrom"/>/<see cref="SessionFilter.CreatedTo"/>, <see cref="SessionFilter.UpdatedFrom"/>/
    /// <see cref="SessionFilter.UpdatedTo"/>, <see cref="SessionFilter.States"/> and <see cref="SessionFilter.TitleContains"/>
    /// apply to the hit's session. A page's <see cref="Page{T}.NextCursor"/> is bound to the query and the filter; pages
    /// neither overlap nor skip while the searched data does not change (scores depend on everything indexed).
    /// </remarks>
    /// <exception cref="Errors.InvalidCursorException">The cursor is not one this search printed, or (<see cref="Errors.CursorMismatchException"/>) was printed for another query or filter.</exception>
    /// <exception cref="Errors.AcodeDbException">A storage fault, with its ACODE-DB code (ACODE-DB-006 when PostgreSQL is unavailable).</exception>
    Task<Page<SearchHit>> SearchAsync(SearchQuery query, SessionFilter filter, PaginationOptions page, CancellationToken cancellationToken = default);
}

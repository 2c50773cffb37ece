namespace Acode.Application.Queries;

/// <summary>The order of a session query. Ties are broken by session id, so the order is total and pages never overlap.</summary>
public enum SessionSort
{
    /// <summary>Most recently changed first (the default of <c>acode session list</c>).</summary>
    UpdatedDescending,
    /// <summary>Least recently changed first.</summary>
    UpdatedAscending,
    /// <summary>Newest first, by creation time.</summary>
    CreatedDescending,
    /// <summary>Oldest first, by creation time.</summary>
    CreatedAscending,
}

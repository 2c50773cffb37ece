namespace Acode.Application.Queries;

/// <summary>The order of a session query. Ties are broken by session id, so the order is total and pages never overlap.</summary>
public enum SessionSort
{
    UpdatedDescending,
    UpdatedAscending,
    CreatedDescending,
    CreatedAscending,
}

namespace Acode.Application.Queries;

/// <summary>
/// A page request. Pagination is keyset (seek) based: <see cref="Cursor"/> is the opaque <see cref="Page{T}.NextCursor"/>
/// of the previous page, so every page costs the same however deep it is, and rows inserted meanwhile do not shift pages.
/// </summary>
public sealed record PaginationOptions
{
    /// <summary>Rows per page when <see cref="Limit"/> is not given: 50.</summary>
    public const int DefaultLimit = 50;
    /// <summary>The largest <see cref="Limit"/> accepted: 1000 rows.</summary>
    public const int MaxLimit = 1000;

    private readonly int _limit = DefaultLimit;

    /// <summary>The first page of <see cref="DefaultLimit"/> rows.</summary>
    public static PaginationOptions FirstPage { get; } = new();

    /// <summary>Rows per page: 1 to <see cref="MaxLimit"/>, default <see cref="DefaultLimit"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1 or greater than <see cref="MaxLimit"/> (the exception's <see cref="ArgumentException.ParamName"/> is <c>Limit</c>).</exception>
    public int Limit
    {
        get => _limit;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Limit));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxLimit, nameof(Limit));
            _limit = value;
        }
    }

    /// <summary>Where to continue; null for the first page.</summary>
    public string? Cursor { get; init; }
}

using Acode.Application.Queries;

namespace Acode.Application.Tests.Queries;

/// <summary>A limit out of range is refused naming the property a caller set (<c>Limit</c>), not the setter's <c>value</c>.</summary>
public sealed class PaginationOptionsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(PaginationOptions.MaxLimit + 1)]
    public void A_limit_out_of_range_is_refused_naming_Limit(int limit)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new PaginationOptions { Limit = limit });

        Assert.Equal(nameof(PaginationOptions.Limit), ex.ParamName);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(PaginationOptions.MaxLimit)]
    public void A_limit_in_range_is_kept(int limit) => Assert.Equal(limit, new PaginationOptions { Limit = limit }.Limit);
}

using Acode.Domain.Text;

namespace Acode.Domain.Tests.Text;

public sealed class EditDistanceTests
{
    [Theory]
    [InlineData("session", "session", 0)]
    [InlineData("sesion", "session", 1)]
    [InlineData("PASWORD", "PASSWORD", 1)]
    [InlineData("porxy", "proxy", 1)]
    [InlineData("", "abc", 3)]
    [InlineData("abc", "", 3)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("ca", "abc", 3)]
    public void Counts_insertions_deletions_substitutions_and_neighbour_swaps(string a, string b, int expected)
    {
        Assert.Equal(expected, EditDistance.Between(a, b));
        Assert.Equal(expected, EditDistance.Between(b, a));
    }
}

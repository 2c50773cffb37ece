using Acode.Application.Search;

namespace Acode.Application.Tests.Search;

public sealed class SearchQueryTests
{
    [Theory]
    [InlineData("deploy", false)]
    [InlineData("deploy timeout", false)]
    [InlineData("depl* OR retry", false)]
    [InlineData("\"connection refused\"", true)]
    [InlineData("src/parser.cs", true)]
    [InlineData("deploy -\"time out\"", true)]
    [InlineData("(retry OR \"back off\") deploy", true)]
    [InlineData("\"deploy\"", false)]
    public void HasPhrase_is_true_when_a_term_of_several_words_stands_anywhere(string text, bool expected)
        => Assert.Equal(expected, SearchQuery.Parse(text).HasPhrase);

    [Theory]
    [Trait("Issue", "search-nul")]
    [InlineData("refused\0connection", "refused connection")]
    [InlineData("refused\0\0connection\0", "refused connection")]
    [InlineData("timeout\0-retry", "timeout -retry")]
    [InlineData("timeout\0OR\0deadline", "timeout OR deadline")]
    [InlineData("deploy*\0retry", "deploy* retry")]
    [InlineData("-\0deploy", "- deploy")]
    public void A_NUL_separates_words_like_a_space(string withNul, string withSpace)
        => Assert.Equal(SearchQuery.Parse(withSpace).Canonical, SearchQuery.Parse(withNul).Canonical);
}

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
}

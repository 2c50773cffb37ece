using Acode.Application.Search;

namespace Acode.Application.Tests.Search;

/// <summary>A snippet longer than 400 characters is cut around its first hit, with … where text was left out.</summary>
public sealed class SearchSnippetTests
{
    // SearchSnippet.MaxLength and SearchSnippet.ContextBefore, as docs/search.md gives them.
    private const int MaxLength = 400;
    private const int ContextBefore = 100;

    private const char S = SearchSnippet.StartMark;
    private const char E = SearchSnippet.EndMark;

    [Fact]
    public void A_short_snippet_stays_as_it_is()
    {
        SearchSnippet snippet = SearchSnippet.FromMarked($"the {S}deploy{E} failed");

        Assert.Equal("the deploy failed", snippet.Text);
        Assert.Equal([new SearchHighlight(4, 6)], snippet.Highlights);
    }

    [Fact]
    [Trait("Issue", "uitrial.cosmetic")]
    public void A_hit_in_one_word_of_200_000_characters_is_cut_to_the_maximum_from_the_hit()
    {
        string word = "zqhit" + new string('x', 200_000);

        SearchSnippet snippet = SearchSnippet.FromMarked($"{S}{word}{E}");

        Assert.Equal(word[..MaxLength] + "…", snippet.Text);
        Assert.Equal([new SearchHighlight(0, MaxLength)], snippet.Highlights);
    }

    [Fact]
    [Trait("Issue", "uitrial.cosmetic")]
    public void A_hit_deep_in_long_text_keeps_some_text_before_it_and_cuts_both_ends()
    {
        string before = new('a', 100_000);
        string after = new('b', 100_000);

        SearchSnippet snippet = SearchSnippet.FromMarked($"{before} {S}deploy{E} {after}");

        Assert.Equal(MaxLength + 2, snippet.Text.Length);
        Assert.StartsWith("…a", snippet.Text, StringComparison.Ordinal);
        Assert.EndsWith("b…", snippet.Text, StringComparison.Ordinal);
        SearchHighlight highlight = Assert.Single(snippet.Highlights);
        Assert.Equal("deploy", snippet.Text.Substring(highlight.Start, highlight.Length));
        Assert.Equal(ContextBefore + 1, highlight.Start);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        string rockets = string.Concat(Enumerable.Repeat("\U0001F680", 1000));

        SearchSnippet snippet = SearchSnippet.FromMarked($"{rockets}{S}deploy{E}{rockets}");

        Assert.False(char.IsLowSurrogate(snippet.Text[1]), "starts inside a pair");
        Assert.False(char.IsHighSurrogate(snippet.Text[^2]), "ends inside a pair");
        SearchHighlight highlight = Assert.Single(snippet.Highlights);
        Assert.Equal("deploy", snippet.Text.Substring(highlight.Start, highlight.Length));
    }
}

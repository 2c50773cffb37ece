using System.Text.RegularExpressions;
using Acode.Domain.Text;

namespace Acode.Domain.Tests.Text;

public class TextContentTests
{
    [Theory]
    [InlineData("")]
    [InlineData("plain ascii")]
    [InlineData("\0")]
    [InlineData("before\0after\0\0")]
    [InlineData("emoji \U0001F600 and \U0001F4A9")]
    [InlineData("\U0001F600")]
    [InlineData("\uFFFD already a replacement")]
    [InlineData("\uFFFF\uFFFE non-characters are still well formed")]
    public void ToWellFormed_returns_well_formed_text_unchanged(string text)
    {
        Assert.True(TextContent.IsWellFormed(text));
        Assert.Same(text, TextContent.ToWellFormed(text));
    }

    [Fact]
    public void ToWellFormed_keeps_every_NUL_character()
    {
        string text = "a\0b\0\0c\0";

        string result = TextContent.ToWellFormed(text);

        Assert.Equal(4, result.Count(c => c == '\0'));
        Assert.Equal(text, result);
    }

    // Attribute strings are stored as UTF-8, which cannot hold a lone surrogate: the cases are written
    // with \u escapes and unescaped here.
    [Theory]
    [InlineData(@"\uD800", @"\uFFFD")]
    [InlineData(@"\uDC00", @"\uFFFD")]
    [InlineData(@"a\uD83Db", @"a\uFFFDb")]
    [InlineData(@"end\uD83D", @"end\uFFFD")]
    [InlineData(@"\uDE00start", @"\uFFFDstart")]
    [InlineData(@"\uDE00\uD83D", @"\uFFFD\uFFFD")]
    [InlineData(@"\uD83D\uD83D\uDE00", @"\uFFFD\uD83D\uDE00")]
    [InlineData(@"\uD83D\uDE00\uDE00", @"\uD83D\uDE00\uFFFD")]
    [InlineData(@"\u0000\uD800\u0000", @"\u0000\uFFFD\u0000")]
    public void ToWellFormed_replaces_each_lone_surrogate_with_U_FFFD_and_keeps_pairs(string escapedText, string escapedExpected)
    {
        string text = Regex.Unescape(escapedText);
        string expected = Regex.Unescape(escapedExpected);
        Assert.False(TextContent.IsWellFormed(text));

        string result = TextContent.ToWellFormed(text);

        Assert.Equal(expected, result);
        Assert.Equal(text.Length, result.Length);
        Assert.True(TextContent.IsWellFormed(result));
    }

    [Fact]
    public void ToWellFormed_result_encodes_to_utf8_and_back_without_loss()
    {
        string text = "log \0 \uD800 \U0001F600 \uDFFF end";

        string result = TextContent.ToWellFormed(text);

        byte[] utf8 = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(result);
        Assert.Equal(result, System.Text.Encoding.UTF8.GetString(utf8));
    }

    [Fact]
    public void ToWellFormedOrNull_passes_null_through()
    {
        Assert.Null(TextContent.ToWellFormedOrNull(null));
        Assert.Equal("\uFFFD", TextContent.ToWellFormedOrNull("\uD800"));
    }

    [Fact]
    public void ToWellFormed_and_IsWellFormed_throw_ArgumentNullException_for_null()
    {
        Assert.Throws<ArgumentNullException>(() => TextContent.ToWellFormed(null!));
        Assert.Throws<ArgumentNullException>(() => TextContent.IsWellFormed(null!));
    }

    [Fact]
    public void Replacement_is_U_FFFD()
    {
        Assert.Equal('\uFFFD', TextContent.Replacement);
    }
}

using System.Text;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Search;

namespace Acode.Infrastructure.Tests.Search;

/// <summary>Schema 1.12.0: the JSON escapes that separate words in indexed JSON text, and the blobs they apply to.</summary>
[Trait("Issue", "search-escapes")]
public sealed class JsonEscapeSeparatorsTests
{
    [Theory]
    [InlineData(@"{""command"":""set -e\nmake deploy\tnow""}", @"{""command"":""set -e  make deploy  now""}")]
    [InlineData(@"\r\n\t\b\f", "          ")]
    [InlineData(@"a\n\nb", "a    b")]
    [InlineData(@"C:\\new\\file", @"C:\\new\\file")] // an escaped backslash, then the word
    [InlineData(@"x\\\nword", @"x\\  word")] // an escaped backslash, then a line break
    [InlineData(@"x\\\\nword", @"x\\\\nword")]
    [InlineData(@"don\u0027t \""quoted\"" \/", @"don\u0027t \""quoted\"" \/")] // other escapes are left as they are
    [InlineData(@"trailing\", @"trailing\")]
    public void Each_separating_escape_becomes_two_spaces_and_every_other_character_keeps_its_offset(string text, string expected)
    {
        string separated = JsonEscapeSeparators.Separate(text);

        Assert.Equal(expected, separated);
        Assert.Equal(text.Length, separated.Length);
        if (text == expected)
        {
            Assert.Same(text, separated);
        }
    }

    [Fact]
    public void A_blob_is_separated_when_its_text_is_JSON_and_kept_as_it_is_when_it_is_plain_text()
    {
        Assert.Equal(@"{""a"":""x  make""}", BlobSearchText.Of(Encoding.UTF8.GetBytes(@"{""a"":""x\nmake""}")));
        Assert.Equal(@"[""x  make"", 1]", BlobSearchText.Of(Encoding.UTF8.GetBytes(@"[""x\nmake"", 1]")));
        Assert.Equal(@"dir C:\new\bin", BlobSearchText.Of(Encoding.UTF8.GetBytes(@"dir C:\new\bin")));
        Assert.Equal(@"{""a"":""x\nmake""} trailing", BlobSearchText.Of(Encoding.UTF8.GetBytes(@"{""a"":""x\nmake""} trailing")));

        // A blob longer than what is read: the start of a JSON value is JSON.
        string longJson = @"{""content"":""x\nmake " + new string('y', BlobSearchText.MaxBytes) + @"""}";
        Assert.StartsWith(@"{""content"":""x  make y", BlobSearchText.Of(Encoding.UTF8.GetBytes(longJson)), StringComparison.Ordinal);
        string longText = @"C:\new " + new string('y', BlobSearchText.MaxBytes);
        Assert.StartsWith(@"C:\new y", BlobSearchText.Of(Encoding.UTF8.GetBytes(longText)), StringComparison.Ordinal);
    }
}

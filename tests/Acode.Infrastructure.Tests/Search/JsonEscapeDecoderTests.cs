using System.Text;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Search;

namespace Acode.Infrastructure.Tests.Search;

/// <summary>Schema 1.13.0: the escapes of indexed JSON text are decoded, and the blobs this applies to.</summary>
[Trait("Issue", "search-escapes")]
public sealed class JsonEscapeDecoderTests
{
    [Theory]
    [InlineData(@"{""command"":""set -e\nmake deploy\tnow""}", "{\"command\":\"set -e\nmake deploy\tnow\"}")]
    [InlineData(@"\r\n\t\b\f", "\r\n\t\b\f")]
    [InlineData(@"C:\\new\\file", @"C:\new\file")] // an escaped backslash, then the word
    [InlineData(@"x\\\nword", "x\\\nword")] // an escaped backslash, then a line break
    [InlineData(@"x\\\\nword", @"x\\nword")]
    [InlineData(@"don\u0027t \""quoted\"" \/", @"don't ""quoted"" /")]
    [InlineData(@"caf\u00e9 ouvert caf\u00E9s", "café ouvert cafés")]
    [InlineData(@"\ud83d\ude00 and \uD83D\uDE00", "\U0001F600 and \U0001F600")]
    [InlineData(@"lone \ud800 high, lone \udc00 low, \ud83d\ud83d\ude00, \ude00\ude00", "lone   high, lone   low,  \U0001F600,   ")]
    [InlineData(@"nul\u0000x", "nul x")]
    [InlineData(@"\\u00e9", @"\u00e9")]
    [InlineData(@"cut \u00", @"cut \u00")] // the end of a blob's head cut through an escape
    [InlineData(@"bad \uZZZZ \x", @"bad \uZZZZ \x")]
    [InlineData(@"trailing\", @"trailing\")]
    [InlineData(@"high at the end \ud83d", "high at the end  ")]
    public void Every_escape_is_decoded_and_what_is_not_an_escape_is_kept(string text, string expected)
        => Assert.Equal(expected, JsonEscapeDecoder.Decode(text));

    [Fact]
    public void Text_without_a_backslash_is_the_same_string()
    {
        string text = "{\"a\":\"café\"}";
        Assert.Same(text, JsonEscapeDecoder.Decode(text));
    }

    [Fact]
    public void A_lone_surrogate_escape_is_still_JSON()
        => Assert.True(JsonEscapeDecoder.IsJson(Encoding.UTF8.GetBytes(@"{""a"":""lone \ud800 x""}"), whole: true));

    [Fact]
    public void A_blob_is_decoded_when_its_text_is_JSON_and_kept_as_it_is_when_it_is_plain_text()
    {
        Assert.Equal("{\"a\":\"x\nmake café\"}", BlobSearchText.Of(Encoding.UTF8.GetBytes(@"{""a"":""x\nmake caf\u00e9""}")));
        Assert.Equal("[\"x\nmake\", 1]", BlobSearchText.Of(Encoding.UTF8.GetBytes(@"[""x\nmake"", 1]")));
        Assert.Equal(@"dir C:\new\bin caf\u00e9", BlobSearchText.Of(Encoding.UTF8.GetBytes(@"dir C:\new\bin caf\u00e9")));
        Assert.Equal(@"{""a"":""x\nmake""} trailing", BlobSearchText.Of(Encoding.UTF8.GetBytes(@"{""a"":""x\nmake""} trailing")));

        // A blob longer than what is read: the start of a JSON value is JSON.
        string longJson = @"{""content"":""x\nmake caf\u00e9 " + new string('y', BlobSearchText.MaxBytes) + @"""}";
        Assert.StartsWith("{\"content\":\"x\nmake café y", BlobSearchText.Of(Encoding.UTF8.GetBytes(longJson)), StringComparison.Ordinal);
        string longText = @"C:\new " + new string('y', BlobSearchText.MaxBytes);
        Assert.StartsWith(@"C:\new y", BlobSearchText.Of(Encoding.UTF8.GetBytes(longText)), StringComparison.Ordinal);
    }
}

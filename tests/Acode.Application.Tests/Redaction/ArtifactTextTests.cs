using System.Text;
using Acode.Application.Redaction;

namespace Acode.Application.Tests.Redaction;

/// <summary>
/// How an artifact's bytes are read as text (by the redaction and the viewer alike), and that the way back gives the same
/// bytes: trial AY F5–F8 found declared text whose secrets were never read (UTF-16 with a stray byte, an unpaired
/// surrogate, without a byte order mark; UTF-32; Latin-1 holding a NUL; text types missing from the list).
/// </summary>
public sealed class ArtifactTextTests
{
    private const string Token = "ghp_Zq8Kx1Lm2Np3Rs4Tu5Vw6Xy7Ab8Cd9Ef0GhIj";

    // Japanese with 一 (U+4E00) and 丁 (U+4E01), whose little-endian units put their zero byte on the side opposite ASCII's.
    private const string Cjk = "ビルドログ：一丁目の設定を読み込み、テストを実行しました。一件の警告があります。";

    public static TheoryData<string, string, byte[], string> TextCases() => new()
    {
        { "UTF-16 with a byte order mark and a stray last byte", "text/plain", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("token " + Token), 0x41], "UTF-16 (little-endian)" },
        { "UTF-16 with an unpaired surrogate", "text/plain", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("x"), 0x00, 0xD8, .. Encoding.Unicode.GetBytes(" token " + Token)], "UTF-16 (little-endian)" },
        { "UTF-16 big-endian with a byte order mark", "text/x-log", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("token " + Token)], "UTF-16 (big-endian)" },
        { "UTF-16 without a byte order mark, as its charset says", "text/plain; charset=utf-16", Encoding.Unicode.GetBytes("token " + Token), "UTF-16 (little-endian)" },
        { "UTF-16BE without a byte order mark, as its charset says", "text/plain; charset=\"UTF-16BE\"", Encoding.BigEndianUnicode.GetBytes("token " + Token), "UTF-16 (big-endian)" },
        { "UTF-16 without a byte order mark or charset, its zero bytes on one side", "text/plain", Encoding.Unicode.GetBytes("token " + Token + "\r\n"), "UTF-16 (little-endian)" },
        { "UTF-16 without a byte order mark or charset in CJK (few zero bytes, some on the other side)", "text/plain", Encoding.Unicode.GetBytes(Cjk + " token " + Token + " " + Cjk + Cjk), "UTF-16 (little-endian)" },
        { "UTF-16BE without a byte order mark or charset in CJK", "text/markdown", Encoding.BigEndianUnicode.GetBytes(Cjk + Cjk + "\n" + Token + "\n" + Cjk), "UTF-16 (big-endian)" },
        { "UTF-32 without a byte order mark", "text/plain", Encoding.UTF32.GetBytes("token " + Token), "UTF-32 (little-endian)" },
        { "UTF-32 without a byte order mark and with a cut tail (trial BC F5)", "text/plain", [.. Encoding.UTF32.GetBytes("中文" + Token), 0x00], "UTF-32 (little-endian)" },
        { "UTF-32BE without a byte order mark, in CJK", "application/json", new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetBytes("{\"" + Cjk + "\": \"" + Token + "\"}"), "UTF-32 (big-endian)" },
        { "UTF-32 with a byte order mark", "text/plain", [0xFF, 0xFE, 0x00, 0x00, .. Encoding.UTF32.GetBytes("token " + Token)], "UTF-32 (little-endian)" },
        { "UTF-32 with a byte order mark and a cut tail", "text/plain", [0xFF, 0xFE, 0x00, 0x00, .. Encoding.UTF32.GetBytes("token " + Token + "\nend"), 0x65, 0x00], "UTF-32 (little-endian)" },
        { "UTF-8 padded with NULs under a charset that says UTF-16 (mislabelled)", "text/plain; charset=utf-16", [.. Encoding.ASCII.GetBytes("token " + Token), 0, 0, 0, 0, 0, 0], "UTF-8" },
        { "Latin-1 holding a NUL byte", "text/plain", [.. "caf"u8, 0xE9, 0x00, .. Encoding.ASCII.GetBytes(" token " + Token)], "ISO-8859-1 (Latin-1)" },
        { "Latin-1 form body", "application/x-www-form-urlencoded", [.. "user=j"u8, 0xFC, .. Encoding.ASCII.GetBytes("rgen&t=" + Token)], "ISO-8859-1 (Latin-1)" },
        { "Latin-1 e-mail", "message/rfc822", [.. "Subject: caf"u8, 0xE9, .. Encoding.ASCII.GetBytes("\r\n\r\ntoken " + Token)], "ISO-8859-1 (Latin-1)" },
        { "UTF-8 holding one NUL", "text/plain", [.. Encoding.UTF8.GetBytes("crème "), 0x00, .. Encoding.ASCII.GetBytes(" token " + Token)], "UTF-8" },
        { "ASCII under a charset that says UTF-16 (mislabelled)", "text/plain; charset=utf-16", Encoding.ASCII.GetBytes("token " + Token), "UTF-8" },
        { "UTF-8 under a type that is not text", "application/octet-stream", Encoding.UTF8.GetBytes("crème token " + Token), "UTF-8" },
    };

    [Theory]
    [MemberData(nameof(TextCases))]
    public void Declared_text_is_read_with_its_token_and_written_back_to_the_same_bytes(string what, string mediaType, byte[] content, string encodingName)
    {
        Assert.True(ArtifactText.TryDecode(mediaType, content, out string? text, out ArtifactTextEncoding? encoding), what);

        Assert.Equal(encodingName, encoding.Name);
        Assert.Contains(Token, text, StringComparison.Ordinal);
        Assert.Equal(content, encoding.GetBytes(text));
        byte[] edited = encoding.GetBytes(text.Replace(Token, "[REDACTED:github-token]", StringComparison.Ordinal));
        Assert.True(ArtifactText.TryDecode(mediaType, edited, out string? again, out _), what);
        Assert.DoesNotContain(Token, again, StringComparison.Ordinal);
    }

    [Fact]
    public void A_UTF_8_log_holding_a_UTF_16_fragment_is_read_as_UTF_8()
    {
        // A Windows tool's UTF-16 output captured in a UTF-8 log: the log's own token is read.
        byte[] content = [.. Encoding.UTF8.GetBytes("build log, crème brûlée edition\nexport TOKEN=" + Token + "\n" + new string('=', 200) + "\n"), .. Encoding.Unicode.GetBytes("Microsoft (R) Build Engine version 17.8\r\n"), .. "\nend\n"u8];

        Assert.True(ArtifactText.TryDecode("text/plain", content, out string? text, out ArtifactTextEncoding? encoding));

        Assert.Equal("UTF-8", encoding.Name);
        Assert.Contains(Token, text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_few_zero_bytes_do_not_make_Latin_1_text_UTF_16()
    {
        // Without a byte order mark or charset, UTF-16 is taken only when zero bytes fill one side of most pairs.
        Assert.True(ArtifactText.TryDecode("text/plain", [.. "caf"u8, 0xE9, 0x00, 0x41], out string? text, out ArtifactTextEncoding? encoding));

        Assert.Equal("ISO-8859-1 (Latin-1)", encoding.Name);
        Assert.Equal("caf\u00e9\0A", text);
    }

    [Fact]
    public void Latin_1_with_NUL_padding_between_its_words_is_not_UTF_16()
    {
        // NUL bytes beside letters, but no run of ASCII characters each beside one: still Latin-1.
        byte[] content = [.. "caf"u8, 0xE9, 0x00, .. "a"u8, 0x00, .. "b"u8, 0x00, .. Encoding.ASCII.GetBytes(" token " + Token)];

        Assert.True(ArtifactText.TryDecode("text/plain", content, out string? text, out ArtifactTextEncoding? encoding));

        Assert.Equal("ISO-8859-1 (Latin-1)", encoding.Name);
        Assert.Contains(Token, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("image/png")]
    [InlineData("application/octet-stream")]
    [InlineData("application/vnd.openxmlformats-officedocument.wordprocessingml.document")] // a zip (trial AX X2)
    public void Bytes_that_are_not_UTF_8_under_a_type_that_is_not_text_are_not_text(string mediaType)
    {
        byte[] latin1 = [.. "caf"u8, 0xE9, .. Encoding.ASCII.GetBytes(" token " + Token)];

        Assert.False(ArtifactText.TryDecode(mediaType, latin1, out _, out _));
        Assert.False(ArtifactText.TryDecode(mediaType, [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Token)], out _, out _));
        Assert.False(ArtifactText.TryDecode("text/plain", [], out _, out _));
    }
}

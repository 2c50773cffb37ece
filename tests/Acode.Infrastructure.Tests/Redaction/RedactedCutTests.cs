using Acode.Application.Redaction;
using Acode.Testing.Secrets;

namespace Acode.Infrastructure.Tests.Redaction;

/// <summary>
/// <see cref="RedactedCut"/>: text is redacted whole before it is cut, so a cut at any position across a secret keeps
/// markers and never a piece of the secret (a cut first, then a scan, kept the start of a URL's password or a token).
/// </summary>
public sealed class RedactedCutTests
{
    public static TheoryData<StraddlingSecret> Secrets() => [.. StraddlingSecret.All()];

    [Theory]
    [MemberData(nameof(Secrets))]
    public void A_cut_at_any_position_across_a_secret_keeps_no_piece_of_it(StraddlingSecret secret)
    {
        string text = "first " + secret.Text + " and the rest";
        for (int max = 1; max <= text.Length; max++)
        {
            string cut = RedactedCut.Prefix(SecretRedactor.Default, text, max);

            Assert.True(cut.Length <= max);
            Assert.Empty(secret.PiecesIn(cut));
            Assert.StartsWith(cut, SecretRedactor.Default.Redact(text, new RedactionCounts()), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Secrets))]
    public void A_utf8_cut_at_any_byte_across_a_secret_keeps_no_piece_of_it(StraddlingSecret secret)
    {
        string text = "é " + secret.Text + " 😀 rest";
        for (int max = 1; max <= text.Length * 2; max++)
        {
            string cut = RedactedCut.Utf8Prefix(SecretRedactor.Default, text, max);

            Assert.True(System.Text.Encoding.UTF8.GetByteCount(cut) <= max);
            Assert.Empty(secret.PiecesIn(cut));
        }
    }

    [Fact]
    public void A_cut_never_splits_a_marker_nor_a_surrogate_pair()
    {
        const string Text = "ab[REDACTED:github-token]cd😀ef";

        Assert.Equal(2, RedactedCut.SafeCut(Text, 2));
        Assert.Equal(2, RedactedCut.SafeCut(Text, 3));
        Assert.Equal(2, RedactedCut.SafeCut(Text, 24));
        Assert.Equal(25, RedactedCut.SafeCut(Text, 25));
        Assert.Equal(27, RedactedCut.SafeCut(Text, 28)); // between the halves of 😀: before it
        Assert.Equal(29, RedactedCut.SafeCut(Text, 29));
    }

    [Fact]
    public void The_counts_are_those_of_the_whole_text_when_asked_for()
    {
        var counts = new RedactionCounts();
        StraddlingSecret secret = StraddlingSecret.All()[0];

        _ = RedactedCut.Prefix(SecretRedactor.Default, secret.Text, 10, counts);

        Assert.Equal(1, counts.ByKind["url-password"]);
    }

    [Fact]
    public void An_error_message_quotes_a_refused_value_redacted_then_cut()
    {
        StraddlingSecret secret = StraddlingSecret.All()[0];

        string quoted = RedactedCut.Ellipsis(secret.Text, 60);

        Assert.Empty(secret.PiecesIn(quoted));
        Assert.EndsWith("…", quoted, StringComparison.Ordinal);
    }
}

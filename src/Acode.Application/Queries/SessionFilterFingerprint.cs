using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Acode.Application.Serialization;

namespace Acode.Application.Queries;

/// <summary>
/// A short hash of a normalized <see cref="SessionFilter"/>, carried in every cursor so that a cursor is only accepted
/// by the query it was printed for. Filters that select the same rows hash alike: states are a set, times compare as
/// UTC instants (the offset they were given in does not matter), an empty title is no title, and the title is compared
/// with ASCII letters lowered (the query lowers every letter: two titles that differ only in a non-ASCII letter's case
/// select the same rows but hash apart, so such a cursor is refused, never applied to another listing).
/// </summary>
internal static class SessionFilterFingerprint
{
    /// <summary>16 URL-safe base64 characters (96 bits of SHA-256).</summary>
    public static string Of(SessionFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var text = new StringBuilder("acode-session-filter/1");
        text.Append("|states=").AppendJoin(',', filter.States.Distinct().Order().Select(s => ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        text.Append("|created=").Append(UtcTimestamp.Format(filter.CreatedFrom)).Append("..").Append(UtcTimestamp.Format(filter.CreatedTo));
        text.Append("|updated=").Append(UtcTimestamp.Format(filter.UpdatedFrom)).Append("..").Append(UtcTimestamp.Format(filter.UpdatedTo));
        // Last, so that whatever the title holds it cannot be read as another field.
        text.Append("|title=").Append(string.IsNullOrEmpty(filter.TitleContains) ? "" : "=" + LowerAscii(filter.TitleContains));
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Base64Url.EncodeToString(hash.AsSpan(0, 12));
    }

    private static string LowerAscii(string text)
        => string.Create(text.Length, text, (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                span[i] = char.IsAsciiLetterUpper(source[i]) ? (char)(source[i] + ('a' - 'A')) : source[i];
            }
        });
}

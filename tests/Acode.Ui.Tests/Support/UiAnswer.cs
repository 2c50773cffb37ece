using System.Net;

namespace Acode.Ui.Tests.Support;

/// <summary>One answer: its status, body and headers (content headers included).</summary>
public sealed record UiAnswer(HttpStatusCode Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The body as received, byte for byte (<see cref="Body"/> is it decoded as UTF-8).</summary>
    public byte[] Bytes { get; init; } = [];

    /// <summary>The body with HTML entities decoded, as a reader sees the text.</summary>
    public string Text => WebUtility.HtmlDecode(Body);

    /// <summary>The raw content of the page's &lt;title&gt; element.</summary>
    public string Title
    {
        get
        {
            int start = Body.IndexOf("<title>", StringComparison.Ordinal);
            int end = Body.IndexOf("</title>", StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, "no <title> in: " + Body[..Math.Min(Body.Length, 500)]);
            return Body[(start + "<title>".Length)..end];
        }
    }

    public override string ToString() => $"{(int)Status} {Status}: {Body[..Math.Min(Body.Length, 2000)]}";
}

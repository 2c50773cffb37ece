using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Acode.Cli.Ui;

/// <summary>
/// Builds an HTML page. Markup is written only from literals in this code (<see cref="Markup"/>); every value
/// (anything from the store, the request or the file system) goes through <see cref="Text"/> or <see cref="Attribute"/>,
/// which encode it with the framework's <see cref="HtmlEncoder"/> after making hidden characters visible
/// (<see cref="VisibleText"/>), so stored text can never become markup, script or a reordered line.
/// </summary>
internal sealed class HtmlWriter
{
    // Letters of every script stay readable in the source; < > & " ' and the rest are still encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly StringBuilder _html = new(4096);
    private readonly char[] _buffer = new char[4096];

    /// <summary>Appends trusted markup: only string literals of acode's own pages, never a value.</summary>
    public HtmlWriter Markup(string markup)
    {
        _html.Append(markup);
        return this;
    }

    /// <summary>Appends a value as text; hidden characters appear as <c>&lt;span class="ctl"&gt;\u001B&lt;/span&gt;</c>.</summary>
    public HtmlWriter Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return this;
        }

        int run = 0;
        for (int i = 0; i < value.Length; i++)
        {
            bool crlf = VisibleText.IsCrBeforeLf(value, i);
            if (crlf || VisibleText.IsHidden(value, i))
            {
                Encode(value, run, i - run);
                if (!crlf)
                {
                    _html.Append("<span class=\"ctl\">").Append(VisibleText.Escape(value[i])).Append("</span>");
                }

                run = i + 1;
            }
        }

        Encode(value, run, value.Length - run);
        return this;
    }

    /// <summary>
    /// Appends a value as plain text without any markup, for elements whose content is text only (<c>&lt;title&gt;</c>,
    /// which a browser shows as it is): hidden characters appear as <c>\u001B</c>-style text, encoded like the rest.
    /// </summary>
    public HtmlWriter PlainText(string? value)
    {
        string visible = VisibleText.Of(value);
        Encode(visible, 0, visible.Length);
        return this;
    }

    /// <summary>Appends <c> name="value"</c> with the value made visible and encoded.</summary>
    public HtmlWriter Attribute(string name, string? value)
    {
        _html.Append(' ').Append(name).Append("=\"");
        string visible = VisibleText.Of(value);
        Encode(visible, 0, visible.Length);
        _html.Append('"');
        return this;
    }

    /// <summary>Appends a link to an acode page: <paramref name="href"/> is built by the caller from escaped path segments and query values.</summary>
    public HtmlWriter Link(string href, string? text, string? cssClass = null)
    {
        _html.Append("<a");
        Attribute("href", href);
        if (cssClass is not null)
        {
            Attribute("class", cssClass);
        }

        _html.Append('>');
        Text(text);
        _html.Append("</a>");
        return this;
    }

    /// <summary>Appends <c>&lt;tag class="…"&gt;text&lt;/tag&gt;</c>.</summary>
    public HtmlWriter Element(string tag, string? text, string? cssClass = null)
    {
        _html.Append('<').Append(tag);
        if (cssClass is not null)
        {
            Attribute("class", cssClass);
        }

        _html.Append('>');
        Text(text);
        _html.Append("</").Append(tag).Append('>');
        return this;
    }

    public override string ToString() => _html.ToString();

    private void Encode(string text, int start, int count)
    {
        ReadOnlySpan<char> rest = text.AsSpan(start, count);
        while (!rest.IsEmpty)
        {
            System.Buffers.OperationStatus status = Encoder.Encode(rest, _buffer, out int consumed, out int written, isFinalBlock: true);
            _html.Append(_buffer, 0, written);
            rest = rest[consumed..];
            if (status is not (System.Buffers.OperationStatus.Done or System.Buffers.OperationStatus.DestinationTooSmall))
            {
                throw new InvalidOperationException($"The HTML encoder stopped with {status}.");
            }
        }
    }
}

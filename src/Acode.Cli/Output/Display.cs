using System.Globalization;
using System.Text;
using Acode.Application.Serialization;
using Spectre.Console;

namespace Acode.Cli.Output;

/// <summary>Turns stored values into safe, short text for the terminal.</summary>
internal static class Display
{
    private static readonly System.Text.RegularExpressions.Regex SurrogatePairEscape = new(
        @"(?<!\\)((?:\\\\)*)\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.IgnoreCase,
        TimeSpan.FromSeconds(1));

    private static readonly System.Text.Json.JsonSerializerOptions ReadableJsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Escapes markup and makes control characters visible (<c>\u001B</c>), so stored text can never drive the terminal;
    /// cut, with "…", where it would take more than <paramref name="maxLength"/> terminal cells (a CJK character takes
    /// two, a combining mark none).
    /// </summary>
    public static string Safe(string? text, int maxLength = int.MaxValue) => Safe(text, maxLength, keepLines: false);

    /// <summary>
    /// Like <see cref="Safe(string?, int)"/> (control characters made visible, cut at <paramref name="maxLength"/>) but with
    /// no markup escaping: for text written as plain text (<c>IAnsiConsole.WriteLine(string)</c>, a table cell written as
    /// <c>Text</c>), where <c>[[</c> would be printed as two brackets.
    /// </summary>
    public static string Plain(string? text, int maxLength = int.MaxValue) => Visible(text, maxLength, keepLines: false);

    /// <summary>Like <see cref="Safe(string?, int)"/>, whole and keeping line breaks (multi-line tool results stay readable).</summary>
    public static string SafeLines(string? text) => Safe(text, int.MaxValue, keepLines: true);

    /// <summary>
    /// JSON as a person reads it: <c>\uXXXX</c> escapes of printable characters (which System.Text.Json writes for every
    /// non-ASCII character, so "é" is stored as <c>\u00E9</c> and an emoji as two surrogate escapes) written as the
    /// characters themselves; control and format characters stay escaped or are made visible by <see cref="Safe(string?, int)"/>.
    /// The text as it is when it is not JSON. For people: the terminal and the viewer (which HTML-escapes it).
    /// </summary>
    public static string ReadableJson(string json)
    {
        if (!json.Contains("\\u", StringComparison.Ordinal))
        {
            return json;
        }

        try
        {
            string relaxed = System.Text.Json.Nodes.JsonNode.Parse(json)?.ToJsonString(ReadableJsonOptions) ?? json;
            return WithAstralCharacters(relaxed);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            return json;
        }
    }

    /// <summary>
    /// JSON written with <see cref="System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>, with the
    /// escapes that encoder still writes for characters outside the BMP (an emoji: <c>\uD83D\uDE80</c>) written as the
    /// characters: an escaped surrogate pair not preceded by an escaped backslash. Lone surrogates and control characters
    /// stay escaped.
    /// </summary>
    public static string WithAstralCharacters(string relaxedJson)
        => SurrogatePairEscape.Replace(relaxedJson, m => m.Groups[1].Value + char.ConvertFromUtf32(char.ConvertToUtf32(
            (char)int.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            (char)int.Parse(m.Groups[3].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture))));

    private static string Safe(string? text, int maxLength, bool keepLines) => Markup.Escape(Visible(text, maxLength, keepLines));

    private static string Visible(string? text, int maxLength, bool keepLines)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder((int)Math.Min(text.Length, (long)maxLength + 16));
        int cells = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            // A wide character is cut when it would not fit whole; an escape, as before, once no cell is left. Text shown
            // whole (SafeLines: a tool's result, maybe megabytes) is not measured.
            int width = maxLength == int.MaxValue ? 0 : CellWidth(text, i);
            if (width > 0 && cells + (width == 2 ? 2 : 1) > maxLength)
            {
                // Cut as TextCut cuts: never after the first half of a pair (each half was written as one character).
                builder.Length -= i - TextCut.Kept(text, i);
                builder.Append(TextCut.Ellipsis);
                break;
            }

            cells += width;
            if (c == '\n')
            {
                builder.Append(keepLines ? '\n' : ' ');
            }
            else if (c == '\r' && keepLines)
            {
                // CRLF line ends: the \n that follows breaks the line.
            }
            else if (c == '\t' && keepLines)
            {
                builder.Append("    ");
            }
            else if (HiddenCharacters.Is(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The terminal cells <paramref name="text"/>[<paramref name="index"/>] takes as <see cref="Visible"/> writes it: 6 for
    /// a character made visible as <c>\uXXXX</c>, the width Spectre.Console measures for any other (2 for most CJK and
    /// emoji, 0 for a combining mark), a surrogate pair counted at its first half and 0 at its second.
    /// </summary>
    private static int CellWidth(string text, int index)
    {
        char c = text[index];
        if (char.IsLowSurrogate(c) && index > 0 && char.IsHighSurrogate(text[index - 1]))
        {
            return 0;
        }

        if (c == '\n' || (char.IsAscii(c) && !char.IsControl(c)))
        {
            return 1;
        }

        if (HiddenCharacters.Is(c))
        {
            return 6;
        }

        string rune = char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? text.Substring(index, 2) : c.ToString();
        return Math.Max(0, rune.GetCellWidth());
    }

    /// <summary>A duration in the largest unit that keeps it readable (ms, s, min, h); a negative one (an end stored before its start, by a file acode did not write) keeps its sign in the same units.</summary>
    public static string Duration(TimeSpan? duration) => duration switch
    {
        null => "",
        { Ticks: < 0 } d => "-" + Duration(d.Duration()),
        { TotalMilliseconds: < 1000 } d => $"{d.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)} ms",
        { TotalSeconds: < 120 } d => $"{d.TotalSeconds.ToString("0.0#", CultureInfo.InvariantCulture)} s",
        { TotalMinutes: < 120 } d => $"{d.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min",
        var d => $"{d.Value.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} h",
    };

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{(bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} KiB",
        < 1024L * 1024 * 1024 => $"{(bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture)} MiB",
        _ => $"{(bytes / (1024.0 * 1024 * 1024)).ToString("0.##", CultureInfo.InvariantCulture)} GiB",
    };

    public static string Time(DateTimeOffset? value) => value is { } v ? UtcTimestamp.Format(v) : "";

    /// <summary>
    /// The Workspace cell of a <c>--remote</c> table: the name the workspace reported when it synced over its id, or the id
    /// alone when it reported none (or the same); both escaped for the console and cut to 40 terminal columns.
    /// </summary>
    public static string Workspace(string? id, string? name) => Workspace(id, name, 40);

    /// <summary>
    /// <see cref="Workspace(string?, string?)"/> cut at <paramref name="maxLength"/> terminal columns: <c>int.MaxValue</c>
    /// for the block form of a table, where no column width applies.
    /// </summary>
    public static string Workspace(string? id, string? name, int maxLength) => WorkspaceLabel.ShownName(id, name) is { } shown
        ? $"{Safe(shown, maxLength)}\n{Safe(id, maxLength)}"
        : Safe(id ?? "", maxLength);

    /// <summary>
    /// A <c>--remote</c> table's narrow form names the workspace under the session id (kept to <paramref name="width"/>
    /// terminal columns before the ellipsis of a cut, so it is no wider than the id), instead of a Workspace column: the
    /// name alone, or the id where the workspace reported no name (cut to 40).
    /// </summary>
    public static string WorkspaceName(string? id, string? name, int width) => WorkspaceLabel.ShownName(id, name) is { } shown ? Safe(shown, width) : Safe(id ?? "", 40);

    /// <summary>UTC to the second, with the Z that says so: <c>2026-11-30T14:05:07Z</c> (accepted back by <c>--since</c>).</summary>
    public static string Second(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

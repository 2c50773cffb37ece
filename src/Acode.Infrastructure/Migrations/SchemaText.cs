namespace Acode.Infrastructure.Migrations;

/// <summary>
/// The one normalization of schema text: CRLF and bare CR line endings become LF. That is all a checkout may change in
/// a migration script (Git's <c>core.autocrlf</c>, an editor's line-ending setting), so it is applied alike to a
/// script's checksum, to the script that is run and to every definition read back from <c>sqlite_schema</c>. Any
/// other difference, whitespace included, is a different text and stays one.
/// </summary>
/// <remarks>
/// Only CR and LF: they are the line breaks of SQL (SQLite and PostgreSQL treat both as whitespace). Characters such as
/// U+2028 or NEL are not line breaks to SQL, and may be meaningful inside a string literal, so they are kept.
/// </remarks>
internal static class SchemaText
{
    /// <summary><paramref name="text"/> with every CRLF and bare CR replaced by LF; null stays null.</summary>
    public static string? Normalize(string? text)
        => text is null || !text.Contains('\r', StringComparison.Ordinal) ? text : text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
}

namespace Acode.Application.Redaction;

/// <summary>
/// A System.Text.Json error message made safe to show. The reader quotes the text it failed on, up to the next
/// delimiter, in one of its messages: <c>'token=ghp_…' is an invalid JSON literal. Expected the literal 'true'.</c>, for
/// text that starts like <c>true</c>, <c>false</c> or <c>null</c> (a whole line of a wrong file: trial AU 1). That text is
/// redacted with the built-in rules and cut to 40 characters, as every refused value an error quotes (docs/secrets.md).
/// </summary>
internal static class JsonErrorText
{
    private const string InvalidLiteral = "' is an invalid JSON literal.";

    /// <summary>Characters of the quoted text kept, after redaction.</summary>
    public const int QuotedLength = 40;

    /// <summary><paramref name="message"/> with the text it quotes redacted and cut; unchanged when it quotes none.</summary>
    public static string Safe(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        int end = message.StartsWith('\'') ? message.LastIndexOf(InvalidLiteral, StringComparison.Ordinal) : -1;
        return end <= 0 ? message : "'" + RedactedCut.Ellipsis(message[1..end], QuotedLength) + message[end..];
    }
}

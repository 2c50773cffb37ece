namespace Acode.Application.Redaction;

/// <summary>
/// Replaces credentials in text by markers naming their kind (<c>[REDACTED:aws-access-key-id]</c>) before anything is
/// stored. Pure: the same input always gives the same output; a redacted text redacts to itself. See docs/secrets.md.
/// </summary>
public interface ISecretRedactor
{
    /// <summary>False when redaction is switched off (<c>persistence:redaction:enabled</c>); every method then returns its input.</summary>
    bool Enabled { get; }

    /// <summary>The text with every secret replaced; the same string instance when nothing was found.</summary>
    /// <param name="text">Any text (a tool's output, an artifact's content).</param>
    /// <param name="counts">Incremented by one per value replaced, under its kind.</param>
    string Redact(string text, RedactionCounts counts);

    /// <summary>
    /// Redacts inside the string values of one JSON value, so the result is still valid JSON; a string that is the value of a
    /// secret-named property (<c>"password"</c>, <c>"SecretAccessKey"</c>…) is replaced whole when it looks random. Text
    /// outside changed strings is kept byte for byte; the same instance is returned when nothing was found.
    /// </summary>
    string RedactJson(string json, RedactionCounts counts);
}

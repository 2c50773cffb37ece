namespace Acode.Application.Options;

/// <summary>An extra redaction rule (an entry of <c>persistence:redaction:rules</c>).</summary>
public sealed class RedactionRuleOptions
{
    /// <summary>The kind named in the marker (<c>[REDACTED:kind]</c>): lower-case letters, digits and dashes.</summary>
    public string? Kind { get; set; }

    /// <summary>
    /// A .NET regular expression, run without backtracking (no lookarounds, backreferences or atomic groups). A group named
    /// <c>secret</c> limits the replacement to that part of the match.
    /// </summary>
    public string? Pattern { get; set; }
}

using System.Buffers;
using System.Text.RegularExpressions;

namespace Acode.Application.Redaction;

/// <summary>
/// One kind of secret: a pattern run with <see cref="RegexOptions.NonBacktracking"/> (time linear in the input, whatever
/// the input), the literals that must occur for the rule to run at all, and the check a found value must pass. The part
/// replaced is the group named <c>secret</c> when the pattern has one (the context around it is kept), else the match.
/// </summary>
public sealed class SecretRule
{
    /// <summary>The group a pattern names to replace only part of its match.</summary>
    public const string SecretGroup = "secret";

    private readonly Lazy<Regex> _regex;
    private readonly Lazy<bool> _hasSecretGroup;

    /// <summary>A rule; the pattern is compiled here, once.</summary>
    /// <param name="kind">The name in the marker, lower-case letters, digits and dashes (<c>aws-access-key-id</c>).</param>
    /// <param name="pattern">A .NET regular expression without lookarounds, backreferences or atomic groups.</param>
    /// <param name="check">What a found value must also look like.</param>
    /// <param name="literals">Texts of which one must occur (compared as <paramref name="literalComparison"/>) for the rule to run; none: always run.</param>
    /// <param name="literalComparison">Ordinal or OrdinalIgnoreCase.</param>
    /// <exception cref="ArgumentException">The kind or the pattern is not accepted (the message says why).</exception>
    public SecretRule(string kind, string pattern, SecretCheck check = SecretCheck.Format, IReadOnlyList<string>? literals = null, StringComparison literalComparison = StringComparison.Ordinal)
        : this(kind, pattern, check, literals, literalComparison, deferCompile: false)
    {
    }

    /// <summary>
    /// A rule whose pattern is compiled when <paramref name="deferCompile"/> says so on its first use (a built-in rule:
    /// each of about 30 patterns takes 3–90 ms to build its automaton, and most texts hold none of a rule's literals, so a
    /// command pays for the rules its texts call for, not all of them; a configured rule is compiled at once, so that a
    /// mistake in it is said when the options are read).
    /// </summary>
    internal SecretRule(string kind, string pattern, SecretCheck check, IReadOnlyList<string>? literals, StringComparison literalComparison, bool deferCompile)
    {
        if (!IsValidKind(kind))
        {
            throw new ArgumentException($"A rule kind is 1 to 64 lower-case letters, digits and dashes, starting with a letter (got '{kind}').", nameof(kind));
        }

        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Kind = kind;
        Pattern = pattern;
        Check = check;
        Literals = literals ?? [];
        LiteralComparison = literalComparison;
        _regex = deferCompile ? new Lazy<Regex>(() => Compile(kind, pattern)) : new Lazy<Regex>(Compile(kind, pattern));
        Prefilter = Literals.Count == 0 ? null : SearchValues.Create([.. Literals], literalComparison);
        Marker = SecretValues.Marker(kind);
        _hasSecretGroup = new Lazy<bool>(() => Regex.GroupNumberFromName(SecretGroup) >= 0);
    }

    private static Regex Compile(string kind, string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (NotSupportedException ex)
        {
            // .NET says "RegexOptions.NonBacktracking is not supported in conjunction with expressions containing: '…'".
            int construct = ex.Message.IndexOf(": '", StringComparison.Ordinal);
            string what = construct < 0 ? "a construct" : ex.Message[(construct + 2)..].TrimEnd('.');
            throw new ArgumentException($"the pattern of rule '{kind}' uses {what}, which a pattern run without backtracking cannot have", nameof(pattern), ex);
        }
        catch (RegexParseException ex)
        {
            throw new ArgumentException($"the pattern of rule '{kind}' is not a valid regular expression: {InWords(ex.Error)} at character {ex.Offset}", nameof(pattern), ex);
        }
    }

    /// <summary>
    /// Whether the pattern runs on a copy of the text in which every character outside ASCII is U+0001, white space a space
    /// (same length, same offsets; what is replaced is taken from the text itself): its <c>\b</c> then sees only ASCII letters, digits and
    /// <c>_</c> as word characters, as the built-in rules mean it. .NET counts a CJK or accented letter as one, so a token
    /// right after one (<c>我的token是ghp_…</c>, <c>éghp_…</c>) had no word boundary before it and was not found (trial AM 1);
    /// a password holding such letters is still matched whole (U+0001 is in its character class). Built-in rules only:
    /// a configured rule may name letters outside ASCII.
    /// </summary>
    internal bool AsciiWordBoundaries { get; set; }

    /// <summary>
    /// Whether the pattern runs on a copy of the text in which each line break continued by a backslash before it
    /// (<c>\</c> then LF or CRLF, as a shell reads a command written over several lines; cmd's <c>^</c> and PowerShell's
    /// <c>`</c> too: trial BE F8) is blanked, the backslash too (same length, same offsets): the command's words on the
    /// next line are on its line. The password on a command line only (<see cref="BuiltInSecretRules.CliPassword"/>).
    /// </summary>
    internal bool JoinsContinuedLines { get; set; }

    /// <summary>What continues a command on the next line: a backslash (POSIX shells), a caret (cmd), a backtick (PowerShell).</summary>
    private static readonly SearchValues<char> LineContinuations = SearchValues.Create("\\^`");

    /// <summary>
    /// <paramref name="text"/> with each backslash, caret or backtick that continues a line, and the line break after it, as
    /// spaces; one before another character escapes it (<c>\\</c> then a line break ends the line). The text itself when
    /// it holds none.
    /// </summary>
    internal static string ContinuedLinesJoined(string text)
    {
        char[]? joined = null;
        for (int i = text.AsSpan().IndexOfAny(LineContinuations); i >= 0 && i + 1 < text.Length; i = NextContinuation(text, i + 2))
        {
            int end = text[i + 1] == '\n' ? i + 2 : text[i + 1] == '\r' && i + 2 < text.Length && text[i + 2] == '\n' ? i + 3 : -1;
            if (end > 0)
            {
                joined ??= text.ToCharArray();
                joined.AsSpan(i, end - i).Fill(' ');
            }
        }

        return joined is null ? text : new string(joined);
    }

    private static int NextContinuation(string text, int from)
        => from >= text.Length ? -1 : text.AsSpan(from).IndexOfAny(LineContinuations) is var at and >= 0 ? from + at : -1;

    /// <summary>A <see cref="RegexParseError"/> name in words ("InsufficientClosingParentheses" → "insufficient closing parentheses").</summary>
    private static string InWords(RegexParseError error)
        => Regex.Replace(error.ToString(), "(?<=[a-z])(?=[A-Z])", " ", RegexOptions.None, TimeSpan.FromSeconds(1)).ToLowerInvariant();

    /// <summary>The name in the marker (<c>[REDACTED:kind]</c>) and in the counts: 1 to 64 lower-case letters, digits and dashes.</summary>
    public string Kind { get; }

    /// <summary>The regular expression as given; the group named <see cref="SecretGroup"/>, when present, is the part replaced.</summary>
    public string Pattern { get; }

    /// <summary>What a found value must also look like to be replaced.</summary>
    public SecretCheck Check { get; }

    /// <summary>Texts of which one must occur for the rule to run; empty: it always runs.</summary>
    public IReadOnlyList<string> Literals { get; }

    /// <summary>How <see cref="Literals"/> are compared: <see cref="StringComparison.Ordinal"/> or <see cref="StringComparison.OrdinalIgnoreCase"/>.</summary>
    public StringComparison LiteralComparison { get; }

    /// <summary>The text that replaces a value found by this rule.</summary>
    public string Marker { get; }

    /// <summary>The compiled pattern (compiled here on first use when the rule was made so).</summary>
    internal Regex Regex => _regex.Value;

    internal SearchValues<string>? Prefilter { get; }

    internal bool HasSecretGroup => _hasSecretGroup.Value;

    /// <summary>Whether <paramref name="kind"/> is accepted as a rule kind: 1 to 64 lower-case ASCII letters, digits and dashes, starting with a letter.</summary>
    public static bool IsValidKind(string? kind) =>
        kind is { Length: > 0 and <= 64 } && char.IsAsciiLetterLower(kind[0]) && kind.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>True when the rule may match <paramref name="text"/> (one of its literals occurs, or it has none).</summary>
    internal bool MayMatch(ReadOnlySpan<char> text) => Prefilter is null || text.IndexOfAny(Prefilter) >= 0;
}

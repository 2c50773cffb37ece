using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Acode.Application.Options;
using Acode.Domain.Text;

namespace Acode.Application.Redaction;

/// <summary>
/// <see cref="ISecretRedactor"/> with a table of <see cref="SecretRule"/>s run one after the other. Text in which no rule's
/// literal occurs is returned after one vectorized scan; each rule that may match runs once, without backtracking, so a
/// 10 MB result costs time linear in its size whatever it holds. Thread-safe.
/// </summary>
public sealed class SecretRedactor : ISecretRedactor
{
    /// <summary>How many password options of one command are found before its last (<see cref="EarlierOptions"/>).</summary>
    private const int EarlierOptionsPerCommand = 8;

    /// <summary>
    /// How many values of one text are cut short with the search going on after the cut (<see cref="SecretsFound"/>): each
    /// search and cut may read to the end of a line without blanks, so unbounded one line of 100 KB of them took seconds
    /// (trial BO M1); the values after are taken whole.
    /// </summary>
    private const int CutsPerText = 16;

    private static readonly Lazy<SecretRedactor> DefaultInstance = new(() => new SecretRedactor(BuiltInSecretRules.Create()));
    private static readonly SearchValues<char> IdentifierCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");
    private static readonly SearchValues<char> AsciiLettersAndDigits = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    private static readonly SearchValues<char> EnvironmentNameCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    private static readonly SearchValues<char> PathCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~/");
    private static readonly HashSet<string> EnvironmentObjectNames = new(
        ["env", "environment", "envVars", "env_vars", "environmentVariables", "environment_variables", "containerEnv", "remoteEnv"],
        StringComparer.OrdinalIgnoreCase);
    private static readonly SearchValues<char> PatternCharacters = SearchValues.Create("*+?\\[]^$");
    private static readonly SearchValues<string> SecretParameterWords = SearchValues.Create(["pass", "pwd", "secret", "token", "key", "auth", "credential"], StringComparison.OrdinalIgnoreCase);
    private static readonly SearchValues<string> GenericSecretNames = SearchValues.Create(BuiltInSecretRules.SecretNameLiterals, StringComparison.OrdinalIgnoreCase);
    private static readonly SearchValues<char> MetavarCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
    private static readonly HashSet<string> FlagWords = new(
        ["no", "ask", "prompt", "show", "hide", "generate", "random", "skip", "require", "forgot", "without", "empty", "disable", "allow", "auto", "expire", "stdin", "save", "remember", "check"],
        StringComparer.OrdinalIgnoreCase);
    private static readonly Regex PostgresClient = new(
        @"(?:^|[\s""'/\[])(?:psql|pg_dump|pg_dumpall|pg_restore|pg_basebackup|createdb|dropdb|createuser|dropuser|vacuumdb|reindexdb|clusterdb)(?:\.exe)?(?:[\s""',]|$)",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    private static readonly string[] KeyFileExtensions = ["pem", "pfx", "p12", "crt", "cer", "key", "jks"];
    private static readonly SearchValues<char> PortMappingCharacters = SearchValues.Create("0123456789.:,-");
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");
    private static readonly SearchValues<char> ValueEnds = SearchValues.Create("\"'`,;(){}[]<>&");
    private static readonly SearchValues<char> EscapedOnlyAsThemselves = SearchValues.Create("\"\\\b\f\n\r\t");
    /// <summary>How many levels of JSON escapes a plain text is read through: JSON quoting JSON inside a log is the deepest met.</summary>
    private const int EscapeLevels = 2;
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = JsonText.MaxDepth };

    private readonly SecretRule[] _rules;
    private readonly SearchValues<string>? _anyLiteral;

    /// <summary>Whether a rule's literal holds a character JSON writes only as an escape of its own (<c>"</c>, <c>\</c>, a control character).</summary>
    private readonly bool _literalNeedsEscape;
    private readonly SecretRule? _awsSecretRule;
    private readonly SecretRule? _genericRule;
    private readonly SecretRule? _authorizationRule;
    private readonly SecretRule[] _cliPasswordRules;
    private readonly SecretRule? _environmentRule;
    private readonly Regex _awsSecretName = new("(?i)^" + BuiltInSecretRules.AwsSecretNames + "$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
    private readonly Regex _secretName = new("(?i)" + BuiltInSecretRules.SecretNames, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    /// <summary>A redactor running <paramref name="rules"/> in order.</summary>
    /// <param name="rules">The rules, in the order they run.</param>
    /// <param name="enabled">False: nothing is ever redacted.</param>
    public SecretRedactor(IEnumerable<SecretRule> rules, bool enabled = true)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = [.. rules];
        Enabled = enabled;
        _anyLiteral = _rules.Any(r => r.Literals.Count == 0)
            ? null
            : SearchValues.Create([.. _rules.SelectMany(r => r.Literals).Distinct(StringComparer.OrdinalIgnoreCase)], StringComparison.OrdinalIgnoreCase);
        _literalNeedsEscape = _rules.SelectMany(r => r.Literals).Any(l => l.AsSpan().IndexOfAny(EscapedOnlyAsThemselves) >= 0);
        _awsSecretRule = _rules.FirstOrDefault(r => r.Kind == BuiltInSecretRules.AwsSecretAccessKey);
        _genericRule = _rules.FirstOrDefault(r => r.Kind == BuiltInSecretRules.GenericSecret);
        _authorizationRule = _rules.FirstOrDefault(r => r.Kind == BuiltInSecretRules.AuthorizationHeader);
        _cliPasswordRules = [.. _rules.Where(r => r.Kind == BuiltInSecretRules.CliPassword)];
        _environmentRule = _rules.FirstOrDefault(r => r.Check == SecretCheck.EnvironmentPassword && r.Kind == BuiltInSecretRules.CliPassword);
    }

    /// <summary>The built-in rules, on (the default of <c>persistence:redaction</c>).</summary>
    public static SecretRedactor Default => DefaultInstance.Value;

    /// <summary>A redactor that changes nothing.</summary>
    public static SecretRedactor Disabled { get; } = new([], enabled: false);

    /// <summary>False for <see cref="Disabled"/> (and when <c>persistence:redaction:enabled</c> is false): nothing is redacted.</summary>
    public bool Enabled { get; }

    /// <summary>The rules, in the order they run.</summary>
    public IReadOnlyList<SecretRule> Rules => _rules;

    /// <summary>The redactor <paramref name="options"/> describe: the built-in rules minus the disabled ones, then the extra rules.</summary>
    /// <exception cref="ArgumentException">An extra rule's kind or pattern is not accepted (<see cref="RedactionOptions.Validate"/> reports it first).</exception>
    public static SecretRedactor From(RedactionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return Disabled;
        }

        if (options.DisabledRules.Count == 0 && options.Rules.Count == 0)
        {
            return Default;
        }

        var disabled = new HashSet<string>(options.DisabledRules, StringComparer.Ordinal);
        IEnumerable<SecretRule> rules = BuiltInSecretRules.Create().Where(r => !disabled.Contains(r.Kind))
            .Concat(options.Rules.Select(r => new SecretRule(r.Kind!, r.Pattern!)).Where(r => !disabled.Contains(r.Kind)));
        return new SecretRedactor(rules);
    }

    /// <inheritdoc/>
    public string Redact(string text, RedactionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(counts);
        if (!Enabled || text.Length == 0 || (_anyLiteral is not null && text.AsSpan().IndexOfAny(_anyLiteral) < 0 && !MayHideLiteral(text)))
        {
            return text;
        }

        // What JSON escapes in the text hide first (trial AN 8: a tool's output quoting JSON, postgres:\/\/admin:pw@db),
        // one level, then two (JSON quoting JSON, {\\\"password\\\":…}, whose structure one level does not show), then
        // the text as written: read as written first, a token with an escape inside (\u002B, as .NET's JSON writer writes
        // '+') was replaced up to the escape and its rest no longer looked like a token (trial AQ 1).
        string current = text;
        if (JsonUnescapedView.Of(text) is { } view)
        {
            current = RunRules(current, view, 1, counts);
            if (JsonUnescapedView.Of(current, EscapeLevels) is { } deeper)
            {
                current = RunRules(current, deeper, EscapeLevels, counts);
            }
        }

        return RunRules(current, null, 0, counts);
    }

    /// <summary>
    /// Every rule in order over <paramref name="text"/>, or over its <paramref name="view"/> (<paramref name="depth"/>
    /// levels of escapes decoded), replacing what they find in the text as written. The views a rule matches on are built
    /// once per text, not once per rule.
    /// </summary>
    private string RunRules(string text, JsonUnescapedView? view, int depth, RedactionCounts counts)
    {
        bool escapes = depth > 0;
        string current = text;
        string subject = view?.Text ?? current;
        string? ascii = null;
        foreach (SecretRule rule in _rules)
        {
            if (!rule.MayMatch(subject))
            {
                continue;
            }

            string matched = rule.AsciiWordBoundaries ? ascii ??= AsciiView(subject) : subject;
            string applied = Apply(rule, current, subject, matched, view, counts);
            if (ReferenceEquals(applied, current))
            {
                continue;
            }

            current = applied;
            if (escapes && (view = JsonUnescapedView.Of(current, depth)) is null)
            {
                break;
            }

            subject = view?.Text ?? current;
            ascii = null;
        }

        return current;
    }

    /// <inheritdoc/>
    public string RedactJson(string json, RedactionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(counts);
        if (!Enabled || json.Length == 0 || (_anyLiteral is not null && json.AsSpan().IndexOfAny(_anyLiteral) < 0 && !MayHideLiteral(json)))
        {
            return json;
        }

        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        // Names and values are read from a copy whose escapes of unpaired surrogates are \uFFFD (System.Text.Json cannot
        // read them into a string), so a secret next to one is found too. The copy has the same length and offsets: the
        // edits go to the original, and a value without a secret keeps its escapes.
        string readable = JsonEscapes.WellFormed(json);
        // Keyed by where each edited string starts in the JSON (a word of an argument vector is edited again in place).
        Dictionary<int, (int Length, byte[] Replacement)>? edits = null;
        ArgumentVectorRedaction? argv = _cliPasswordRules.Length == 0 ? null : new ArgumentVectorRedaction(_cliPasswordRules);
        try
        {
            var reader = new Utf8JsonReader(ReferenceEquals(readable, json) ? utf8 : Encoding.UTF8.GetBytes(readable), ReaderOptions);
            string? name = null;
            // The name each open object or array is the value of (null in an array or at the top).
            var containers = new Stack<string?>();
            string? pairName = null;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    name = reader.GetString();
                    continue;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    containers.Push(name);
                    pairName = null;
                }
                else if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    containers.TryPop(out _);
                    pairName = null;
                }

                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    argv?.OpenArray();
                }
                else if (reader.TokenType == JsonTokenType.EndArray)
                {
                    argv?.CloseArray(counts, ref edits);
                }
                else if (reader.TokenType == JsonTokenType.String)
                {
                    string value = reader.GetString()!;
                    bool inEnvironment = InEnvironmentObject(containers);
                    // An environment list of name/value objects (Kubernetes' env, ECS's environment: trial BL F4): the
                    // value is read as the named variable's.
                    bool paired = pairName is not null && "value".Equals(name, StringComparison.OrdinalIgnoreCase);
                    string redacted = RedactValue(paired ? pairName : name, value, inEnvironment, counts);
                    pairName = inEnvironment && "name".Equals(name, StringComparison.OrdinalIgnoreCase) ? value : pairName;
                    int start = (int)reader.TokenStartIndex + 1;
                    if (!ReferenceEquals(redacted, value))
                    {
                        byte[] encoded = JsonEncodedText.Encode(redacted, MinimalJsonEncoder.Instance).EncodedUtf8Bytes.ToArray();
                        edits ??= [];
                        edits[start] = (reader.ValueSpan.Length, encoded);
                    }

                    if (name is null)
                    {
                        argv?.Word(start, reader.ValueSpan.Length, redacted);
                    }
                }
                else
                {
                    argv?.NotAWord();
                }

                name = null;
            }
        }
        catch (JsonException)
        {
            // Not one JSON value (callers validate first): redacted as text.
            return Redact(json, counts);
        }

        return edits is null ? json : Splice(utf8, edits);
    }

    /// <summary>
    /// Whether a JSON escape in <paramref name="text"/> (a JSON text, or plain text quoting JSON) may write a rule's
    /// literal that its raw text does not show, so the literal check must wait for the decoded text (trial AL 1: <c>postgres:\/\/admin:pw@db</c>, as PHP's
    /// <c>json_encode</c> writes a URL, and <c>\u0041KIA…</c> were stored unredacted): <c>\uXXXX</c> can write any
    /// character and <c>\/</c> a slash (RFC 8259 §7); the other escapes only <c>"</c>, <c>\</c> and control characters.
    /// </summary>
    private bool MayHideLiteral(string text)
        => text.Contains("\\u", StringComparison.Ordinal) || text.Contains("\\/", StringComparison.Ordinal) || (_literalNeedsEscape && text.Contains('\\', StringComparison.Ordinal));

    private static string Splice(byte[] utf8, Dictionary<int, (int Length, byte[] Replacement)> edits)
    {
        var output = new ArrayBufferWriter<byte>(utf8.Length);
        int copied = 0;
        foreach ((int start, (int length, byte[] replacement)) in edits.OrderBy(e => e.Key))
        {
            output.Write(utf8.AsSpan(copied, start - copied));
            output.Write(replacement);
            copied = start + length;
        }

        output.Write(utf8.AsSpan(copied));
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>
    /// A JSON string value: its text redacted; when nothing was found and it is the value of a secret-named property, the
    /// whole value when it looks like a secret, or, <paramref name="inEnvironment"/> (a property of an object named
    /// <c>env</c>, <c>environment</c>, …), when it is a password by its variable's name.
    /// </summary>
    private string RedactValue(string? name, string value, bool inEnvironment, RedactionCounts counts)
    {
        string redacted = Redact(value, counts);
        if (!ReferenceEquals(redacted, value) || name is null)
        {
            return redacted;
        }

        if (_authorizationRule is not null && name.Equals("authorization", StringComparison.OrdinalIgnoreCase))
        {
            // A header object ({"Authorization": "Bearer …"}): the value is read as the header line it stands for.
            const string Header = "Authorization: ";
            string line = Header + value;
            string applied = Apply(_authorizationRule, line, counts);
            if (!ReferenceEquals(applied, line))
            {
                return applied[Header.Length..];
            }
        }

        if (_awsSecretRule is not null && value.Length == 40 && _awsSecretName.IsMatch(name) && IsBase64Alphabet(value) && Passes(SecretCheck.Random, value, value, 0, value.Length))
        {
            counts.Add(_awsSecretRule.Kind);
            return _awsSecretRule.Marker;
        }

        if (_genericRule is not null && _secretName.IsMatch(name) && Passes(SecretCheck.Assigned, value, value, 0, value.Length))
        {
            counts.Add(_genericRule.Kind);
            return _genericRule.Marker;
        }

        if (inEnvironment && _environmentRule is not null && name.Length > 0 && char.IsAsciiLetterUpper(name[0]) && !name.AsSpan().ContainsAnyExcept(EnvironmentNameCharacters) && !value.Contains('"'))
        {
            // An environment object ({"env": {"PGPASSWORD": "S3cret"}}: a tool's or a container's settings) is read as the
            // assignment it stands for, the value quoted so that it is taken whole (trial BF F5); only there, as other
            // upper-case keys name texts and codes ({"FORGOT_PASSWORD": "Forgot password?"}: trial BH F2).
            string assignment = name + "=\"" + value + "\"";
            string applied = Apply(_environmentRule, assignment, counts);
            if (!ReferenceEquals(applied, assignment))
            {
                return applied[(name.Length + 2)..^1];
            }
        }

        return value;
    }

    /// <summary>
    /// Whether an object named <paramref name="name"/> holds environment variables: <c>env</c>, <c>environment</c>,
    /// <c>envVars</c>, <c>environment_variables</c>, devcontainer.json's <c>containerEnv</c> and <c>remoteEnv</c>, AWS
    /// Lambda's <c>Environment.Variables</c>, compose's <c>build.args</c>, any case (trial BI F2); not <c>variables</c> or
    /// <c>args</c> alone, a GraphQL query's or a tool call's, whose upper-case keys name texts (trial BJ F2).
    /// </summary>
    private static bool IsEnvironmentObject(string name, string? parent)
        => EnvironmentObjectNames.Contains(name)
            || (name.Equals("Variables", StringComparison.OrdinalIgnoreCase) && "Environment".Equals(parent, StringComparison.OrdinalIgnoreCase))
            || (name.Equals("args", StringComparison.OrdinalIgnoreCase) && "build".Equals(parent, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the innermost open object is an environment object, or an object in an array that one names (<c>{"env": [{…}]}</c>).</summary>
    private static bool InEnvironmentObject(Stack<string?> containers)
    {
        string? name = null;
        foreach (string? outer in containers)
        {
            if (outer is null)
            {
                continue;
            }

            if (name is not null)
            {
                return IsEnvironmentObject(name, outer);
            }

            name = outer;
        }

        return name is not null && IsEnvironmentObject(name, parent: null);
    }

    private static bool IsBase64Alphabet(string value) => value.All(c => char.IsAsciiLetterOrDigit(c) || c == '/' || c == '+');

    private static string Apply(SecretRule rule, string input, RedactionCounts counts)
        => Apply(rule, input, input, rule.AsciiWordBoundaries ? AsciiView(input) : input, view: null, counts);

    /// <summary>
    /// <paramref name="input"/> with what <paramref name="rule"/> finds replaced. The rule matches on
    /// <paramref name="matched"/> (the subject or its <see cref="AsciiView"/>) and checks its values in
    /// <paramref name="subject"/>: the input itself, or its <paramref name="view"/>'s text, whose spans are mapped back.
    /// </summary>
    private static string Apply(SecretRule rule, string input, string subject, string matched, JsonUnescapedView? view, RedactionCounts counts)
    {
        if (rule.JoinsContinuedLines)
        {
            matched = SecretRule.ContinuedLinesJoined(matched);
        }

        StringBuilder? output = null;
        int copied = 0;
        if (rule.HasSecretGroup)
        {
            foreach ((int index, int length) in SecretsFound(rule, matched))
            {
                Replace(rule, input, subject, view, index, length, counts, ref output, ref copied);
            }
        }
        else
        {
            foreach (ValueMatch match in rule.Regex.EnumerateMatches(matched))
            {
                Replace(rule, input, subject, view, match.Index, match.Length, counts, ref output, ref copied);
            }
        }

        if (output is null)
        {
            return input;
        }

        output.Append(input, copied, input.Length - copied);
        return output.ToString();
    }

    /// <summary>
    /// Where the secret groups of what <paramref name="rule"/> finds in <paramref name="matched"/> are, in order. For a
    /// password on a command line, also the command's earlier password options: the span from a command to its option is
    /// greedy, so one match takes the command's last option (<c>redis-server --requirepass A --masterauth B</c> kept A:
    /// trial BG F2), and the text from the command to that option is searched again; and an unquoted value's trailing
    /// comma or full stop, prose's, is left out (<c>redis-cli -a S3cretPw1.</c>: trial BG F7), as are trailing
    /// <c>&amp;</c>s here and after a secret's name (<see cref="WithoutTrailingAmpersands"/>).
    /// </summary>
    internal static IEnumerable<(int Index, int Length)> SecretsFound(SecretRule rule, string matched)
    {
        bool commandLine = rule.Check is SecretCheck.CommandLinePassword or SecretCheck.EnvironmentPassword;
        int cuts = 0;
        for (Match match = rule.Regex.Match(matched); match.Success;)
        {
            Group secret = match.Groups[SecretRule.SecretGroup];
            if (!secret.Success)
            {
                match = match.NextMatch();
                continue;
            }

            if (commandLine)
            {
                // The environment rule's docker … -e "NAME=…" too (trial BK F1).
                foreach ((int Index, int Length) earlier in EarlierOptions(rule, matched, match.Index, secret.Index))
                {
                    yield return WithoutTrailingPunctuation(matched, earlier.Index, earlier.Length);
                }
            }

            (int index, int length) = commandLine ? WithoutTrailingPunctuation(matched, secret.Index, secret.Length)
                : rule.Check == SecretCheck.Assigned ? WithoutTrailingAmpersands(matched, secret.Index, secret.Length)
                : (secret.Index, secret.Length);
            int? part = rule.Check is SecretCheck.Assigned or SecretCheck.EnvironmentPassword ? DelimitedPart(matched, index, length) : null;
            part ??= rule.Check == SecretCheck.Assigned ? BeforeNextParameter(matched, index, length) : null;
            if (part is int cut && ++cuts <= CutsPerText)
            {
                // What follows the part may hold the next secret (s/NAME=pattern/NAME=replacement/: trials BM H1, BN H2,
                // H3; access_token=…&refresh_token=…: trial BN H1): the search goes on right after it.
                yield return (index, cut);
                match = rule.Regex.Match(matched, index + cut);
                continue;
            }

            yield return (index, length);
            match = match.NextMatch();
        }
    }

    /// <summary>
    /// The length of the value at <paramref name="index"/> up to its substitution's next delimiter (<see cref="SubstitutionDelimiter"/>:
    /// sed's or perl's <c>s#^DB_PASSWORD=.*#DB_PASSWORD=…#</c>), not an escaped one. Null when it is in none or holds none.
    /// </summary>
    private static int? DelimitedPart(string matched, int index, int length)
    {
        if (SubstitutionDelimiter(matched, index) is not char delimiter)
        {
            return null;
        }

        for (int i = index; i < index + length; i++)
        {
            if (matched[i] == '\\')
            {
                i++;
            }
            else if (matched[i] == delimiter)
            {
                return i > index ? i - index : null;
            }
        }

        return null;
    }

    /// <summary>
    /// The delimiter of the sed or perl substitution whose pattern or replacement the name assigned the value at
    /// <paramref name="valueStart"/> begins (<c>NAME=</c>, <c>name: </c>, a quote skipped): one of <c>/ # @ | ,</c> right
    /// before the name (or before a regular expression's <c>^</c>) that is the <c>s</c> command's own (<c>s/^NAME=…</c>),
    /// or whose previous one on the line is (<c>s/…/NAME=…</c>); null otherwise, so that <c>@PGPASSWORD=P@ss…</c> (a
    /// Makefile's silent line) or <c>#DB_PASSWORD=ab#…</c> (a commented-out line) is one value (trial BO H1, H2).
    /// </summary>
    private static char? SubstitutionDelimiter(string text, int valueStart)
    {
        int i = valueStart - 1;
        while (i >= 0 && text[i] is ' ' or '\t' or '"' or '\'' or '=' or ':')
        {
            i--;
        }

        int nameEnd = i;
        while (i >= 0 && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-' or '.'))
        {
            i--;
        }

        if (i == nameEnd || i < 1)
        {
            return null;
        }

        if (text[i] == '^')
        {
            i--;
        }

        if (i < 1 || text[i] is not ('/' or '#' or '@' or '|' or ','))
        {
            return null;
        }

        char delimiter = text[i];
        if (IsSubstitutionStart(text, i))
        {
            return delimiter;
        }

        // The replacement: the previous unescaped delimiter on the line opens the pattern.
        for (int j = i - 1; j >= Math.Max(0, i - 512) && text[j] is not ('\n' or '\r'); j--)
        {
            if (text[j] == delimiter && (j == 0 || text[j - 1] != '\\'))
            {
                return IsSubstitutionStart(text, j) ? delimiter : null;
            }
        }

        return null;
    }

    /// <summary>Whether the delimiter at <paramref name="at"/> follows an <c>s</c> that starts a word (<c>'s/</c>, <c> s#</c>).</summary>
    private static bool IsSubstitutionStart(string text, int at)
        => at >= 1 && text[at - 1] == 's' && (at == 1 || !char.IsAsciiLetterOrDigit(text[at - 2]));

    /// <summary>
    /// Whether a query string's parameters (<c>&amp;a=1&amp;db_password=…</c>) hold one named as a secret whose value the
    /// generic rule would keep alone (<c>hunter2024</c>; not a marker, not one it takes: <c>&amp;refresh_token=…</c>), so the
    /// value before it is taken with it (trial BO).
    /// </summary>
    private static bool HoldsSecretParameter(ReadOnlySpan<char> parameters)
    {
        foreach (Range range in parameters.Split('&'))
        {
            ReadOnlySpan<char> parameter = parameters[range];
            int equals = parameter.IndexOf('=');
            ReadOnlySpan<char> value = parameter[(equals + 1)..];
            if (equals > 0 && !value.IsEmpty && !value.StartsWith(SecretValues.MarkerPrefix, StringComparison.Ordinal)
                && parameter[..equals].ContainsAny(SecretParameterWords)
                && !(parameter[..equals].ContainsAny(GenericSecretNames) && IsAssignedSecret(value)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The length of an assigned value up to a query string's next parameter (<c>client_secret=…&amp;grant_type=password</c>:
    /// the rest is other parameters, each judged by the rules: trial BM H2), when that part alone is a secret (a secret
    /// holding <c>&amp;kq=</c> is taken whole: trial BN M3); null otherwise.
    /// </summary>
    private static int? BeforeNextParameter(string matched, int index, int length)
    {
        ReadOnlySpan<char> value = matched.AsSpan(index, length);
        for (int at = value.IndexOf('&'); at > 0;)
        {
            ReadOnlySpan<char> rest = value[(at + 1)..];
            int equals = rest.IndexOf('=');
            if (equals > 0 && char.IsAsciiLetter(rest[0]) && !rest[..equals].ContainsAnyExcept(IdentifierCharacters))
            {
                (_, int cut) = WithoutTrailingAmpersands(matched, index, at);
                return IsAssignedSecret(value[..cut]) && !HoldsSecretParameter(value[at..]) ? cut : null;
            }

            int next = rest.IndexOf('&');
            at = next < 0 ? -1 : at + 1 + next;
        }

        return null;
    }

    /// <summary>
    /// The secrets <paramref name="rule"/> finds between <paramref name="from"/> and <paramref name="before"/>, in order; at
    /// most <see cref="EarlierOptionsPerCommand"/> (each is a search of up to the 512 characters from the command, so a
    /// line of nothing but password options took ten times as long unbounded: trial BH F4).
    /// </summary>
    private static List<(int Index, int Length)> EarlierOptions(SecretRule rule, string matched, int from, int before)
    {
        var found = new List<(int Index, int Length)>();
        for (int end = before; end > from && found.Count < EarlierOptionsPerCommand;)
        {
            Group secret = rule.Regex.Match(matched, from, end - from).Groups[SecretRule.SecretGroup];
            if (!secret.Success)
            {
                break;
            }

            found.Add((secret.Index, secret.Length));
            end = secret.Index;
        }

        found.Reverse();
        return found;
    }

    private static (int Index, int Length) WithoutTrailingPunctuation(string matched, int index, int length)
    {
        if (index > 0 && matched[index - 1] is '"' or '\'')
        {
            return (index, length);
        }

        while (length > 1 && matched[index + length - 1] is ',' or '.')
        {
            length--;
        }

        return WithoutTrailingAmpersands(matched, index, length);
    }

    /// <summary>
    /// A value's trailing <c>&amp;</c>s, a shell's operator written against it, are left out (cmd's
    /// <c>set PGPASSWORD=…&amp;&amp; psql</c>: the command lost its <c>&amp;&amp;</c>, trial BH F8).
    /// </summary>
    private static (int Index, int Length) WithoutTrailingAmpersands(string matched, int index, int length)
    {
        while (length > 1 && matched[index + length - 1] == '&')
        {
            length--;
        }

        return (index, length);
    }

    /// <summary>
    /// <paramref name="text"/> with every UTF-16 unit outside ASCII as U+0001, but white space outside ASCII (no-break
    /// space, U+2028, U+3000…) as a space, so that <c>\s</c> still matches it (trial AN 2) (<see cref="SecretRule.AsciiWordBoundaries"/>).
    /// </summary>
    internal static string AsciiView(string text)
        => Ascii.IsValid(text) ? text : string.Create(text.Length, text, static (view, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                char c = source[i];
                view[i] = c < '\u0080' ? c : char.IsWhiteSpace(c) ? ' ' : '\u0001';
            }
        });

    private static void Replace(SecretRule rule, string input, string subject, JsonUnescapedView? view, int start, int length, RedactionCounts counts, ref StringBuilder? output, ref int copied)
    {
        if (length == 0 || !Passes(rule.Check, subject.AsSpan(start, length), subject, start, length))
        {
            return;
        }

        if (view is not null)
        {
            bool cutAtContent = EndsAtQuotedQuote(subject, view, start, start + length);
            (start, length) = view.Source(start, length);
            if (cutAtContent)
            {
                length = EndOfValue(input, start + length) - start;
            }
        }

        if (start < copied)
        {
            return; // within a value already replaced whole (EndOfValue)
        }

        output ??= new StringBuilder(input.Length);
        output.Append(input, copied, start - copied).Append(rule.Marker);
        copied = start + length;
        counts.Add(rule.Kind);
    }

    /// <summary>
    /// Whether the value found at <c>[start, end)</c> of the decoded text stops at a <c>"</c> that was written <c>\"</c>
    /// while the quote that opened it (the last one before it on its line, if any) was written as itself: at that level
    /// the escaped quote is part of the value, not its end (trial AQ 3: <c>{"password":"Sup3r\"Tail9876"}</c> in a log kept
    /// <c>Tail9876</c>; in JSON quoting JSON, <c>{\"password\":\"…\"}</c>, the escaped quote does end it). The view reads
    /// most such quotes by their neighbours (<see cref="JsonUnescapedView"/>); this is for the rest: a quote next to
    /// another or to <c>: = &amp; . -</c> (trial AW W1: <c>Sup3r\"\"Tail</c>, <c>Sup3r\":Tail</c>).
    /// </summary>
    private static bool EndsAtQuotedQuote(string subject, JsonUnescapedView view, int start, int end)
    {
        if (end >= subject.Length || subject[end] != '"' || !view.IsEscape(end))
        {
            return false;
        }

        for (int i = start - 1; i >= 0 && subject[i] != '\n'; i--)
        {
            if (subject[i] == '"')
            {
                return !view.IsEscape(i);
            }
        }

        return true;
    }

    /// <summary>
    /// Where a value cut at an escaped quote really ends in the text as written: after the escaped quotes (<c>\"</c>) and
    /// the characters a rule's value holds (not white space, a quote, <c>` , ; ( ) { } [ ] &lt; &gt; &amp;</c> or another
    /// escape such as <c>\n</c>), written after <paramref name="from"/> (trial AV F4: running on over <c>\n</c> took whole
    /// log lines).
    /// </summary>
    private static int EndOfValue(string input, int from)
    {
        int i = from;
        while (i < input.Length)
        {
            char c = input[i];
            if (c == '\\')
            {
                if (i + 1 < input.Length && input[i + 1] == '"')
                {
                    i += 2;
                    continue;
                }

                break;
            }

            if (char.IsWhiteSpace(c) || char.IsControl(c) || ValueEnds.Contains(c))
            {
                break;
            }

            i++;
        }

        return i;
    }

    internal static bool Passes(SecretCheck check, ReadOnlySpan<char> value, string input, int start, int length)
    {
        if (SecretValues.IsPlaceholder(value))
        {
            return false;
        }

        return check switch
        {
            SecretCheck.Format => true,
            SecretCheck.Random => SecretValues.LooksRandom(value),
            SecretCheck.RandomMixed => SecretValues.LooksRandom(value) && SecretValues.IsMixed(value),
            SecretCheck.RandomBothCases => SecretValues.LooksRandom(value) && value.ContainsAnyInRange('A', 'Z') && value.ContainsAnyInRange('a', 'z'),
            SecretCheck.Assigned => IsAssignedSecret(value),
            SecretCheck.ConnectionString => IsInConnectionString(input, start, length),
            SecretCheck.PrefixedToken => value.Length > 4 && !SecretValues.IsMask(value[4..]),
            SecretCheck.CommandLinePassword => IsCommandLinePassword(value, input, start, environment: false),
            SecretCheck.EnvironmentPassword => IsCommandLinePassword(value, input, start, environment: true),
            _ => false,
        };
    }

    /// <summary>
    /// A value assigned to a secret name is redacted when it looks random and is not an identifier or a path: it has a letter
    /// and a digit, and either upper and lower case letters, a symbol other than <c>- _ .</c>, or 16+ hex digits; or it is
    /// digit-free and 20+ letters whose case flips like a random draw (<see cref="SecretValues.IsRandomMixedCaseLetters"/>).
    /// </summary>
    private static bool IsAssignedSecret(ReadOnlySpan<char> value)
    {
        if (value[0] == '/' || value.StartsWith("~/") || value.StartsWith("./") || value.StartsWith("../") || value.Contains("://", StringComparison.Ordinal) || !SecretValues.LooksRandom(value))
        {
            return false;
        }

        if (!SecretValues.HasLetterAndDigit(value))
        {
            return SecretValues.IsRandomMixedCaseLetters(value);
        }

        bool upper = value.ContainsAnyInRange('A', 'Z'), lower = value.ContainsAnyInRange('a', 'z');
        bool symbol = value.ContainsAnyExcept(IdentifierCharacters);
        bool hex = value.Length >= 16 && !value.ContainsAnyExcept(HexDigits);
        return (upper && lower) || symbol || hex;
    }

    /// <summary>
    /// See <see cref="SecretCheck.CommandLinePassword"/>, or <see cref="SecretCheck.EnvironmentPassword"/> when
    /// <paramref name="environment"/>: the value at <paramref name="start"/> of <paramref name="input"/>.
    /// </summary>
    private static bool IsCommandLinePassword(ReadOnlySpan<char> value, string input, int start, bool environment)
    {
        bool quoted = start > 0 && input[start - 1] is '"' or '\'';
        int beforeAt = quoted ? start - 2 : start - 1;
        char before = beforeAt >= 0 ? input[beforeAt] : ' ';
        // A word of its own starting with '-' is the next option (a bare --password prompts for it: trial BC F2); attached
        // (-p-Xk9…, user:-Xk9…) it is the password (trial BD F2).
        if ((value[0] == '-' && before is ' ' or '\t' or ',') || IsReference(value) || (!environment && IsAfterFlag(input, beforeAt, value)))
        {
            return false;
        }

        // Code that builds the command, not a password: "mysql --password " + pw + " db" (a quoted value starts or ends
        // with a blank).
        if (quoted && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])))
        {
            return false;
        }

        if (!quoted)
        {
            // A port mapping after a mysql container's or host's name (docker run --name mysql -p3306:3306: trial BE F4);
            // prose's or a usage line's punctuation after a word (--password flag, / --password=name,: trial BE F5).
            if (IsPortMapping(value))
            {
                return false;
            }

            value = value.TrimEnd(",.");
        }

        // A template's placeholder or a usage line's optional word is judged by the word inside ({password} and [password]
        // are kept, {Xk9pQ2z} is not: trial BD F3), a usage line's word before its closing bracket without it
        // ([--password PASSWORD]: trial BC F3).
        value = value.Length > 2 && (value[0], value[^1]) is ('{', '}') or ('[', ']') ? value[1..^1] : value.TrimEnd("]}");
        if (value.IsEmpty || SecretValues.IsPlaceholder(value) || IsPath(value))
        {
            return false;
        }

        if (environment)
        {
            // A name's value in code rather than a shell: a keyword argument (f(ADMIN_PASSWORD=x)), an identifier or a
            // word (adminPassword, config.dbPassword, Never), a relative path (auth/resetPassword, src/App2/bin; not
            // k3Y9/Zq7Lm2 or Ab1/cD2/eF3x, base64 passwords: trials BI F6, BJ F4, BK F4) (trial BG F5, F8).
            ReadOnlySpan<char> name = AssignedName(input, quoted ? start - 1 : start, out int nameStart);
            // A name ending in PASS is as often a count of passed tests or a compiler's pass (TOTAL_PASS=1532, FIRST_PASS=Lexer1,
            // OPT_PASS=mem2reg: trials BF F7, BM L2): its value looks random from 12 characters, or holds a digit or a symbol
            // between letters with both cases or a symbol (RABBITMQ_DEFAULT_PASS=Xk9pQ2zLm4Wr8, SMTP_PASS=S3cret99: trial BL F2).
            if (name.EndsWith("_PASS") && !(value.Length >= 12 && SecretValues.LooksRandom(value))
                && !(HasDigitOrSymbolAmongLetters(value) && (value.ContainsAnyExcept(IdentifierCharacters) || (value.ContainsAnyInRange('A', 'Z') && value.ContainsAnyInRange('a', 'z')))))
            {
                return false;
            }

            if (IsKeywordArgument(input, nameStart, name.Length) || (SubstitutionDelimiter(input, quoted ? start - 1 : start) is not null && value.ContainsAny(PatternCharacters)) || SecretValues.IsLettersAndSeparators(value)
                || (value[0] != '/' && value.Contains('/') && !value.ContainsAnyExcept(PathCharacters) && HasWordFolder(value)))
            {
                return false;
            }
        }
        else if (IsMetavar(value))
        {
            return false;
        }
        else if (SecretValues.LooksRandom(value))
        {
            return true;
        }

        if (value.Length < 4)
        {
            return false;
        }

        // Two kinds of character (upper case, lower case, digit, symbol), or digits only.
        return SecretValues.IsMixed(value)
            || (value.ContainsAnyExcept(IdentifierCharacters) && value.ContainsAny(AsciiLettersAndDigits))
            || !value.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>
    /// A reference to a variable on a command line that <see cref="SecretValues.IsPlaceholder"/> does not read as one:
    /// <c>%NAME%</c> and <c>!NAME!</c> (cmd), <c>$$NAME</c> and <c>$${NAME}</c> (a Makefile), <c>\$NAME</c> (escaped for
    /// an inner shell), an f-string's expression cut by its quote (<c>-p{os.environ['PW']}</c>) (trial BE F6), and a
    /// command's output in backticks (<c>"`cat /run/secrets/db`"</c>: trial BG F8).
    /// </summary>
    private static bool IsReference(ReadOnlySpan<char> value)
    {
        if (value.Length > 2 && (value[0], value[^1]) is ('%', '%') or ('!', '!') && !value[1..^1].ContainsAnyExcept(IdentifierCharacters))
        {
            return true;
        }

        if (value.StartsWith("$$") || value.StartsWith("\\$"))
        {
            return SecretValues.IsPlaceholder(value[1..]);
        }

        return (value[0] == '{' && !value.Contains('}')) || value[0] == '`';
    }

    /// <summary>
    /// A file's path, not a password: <c>/…</c> (see below), <c>./…</c>, <c>../…</c>, <c>~/…</c>, a drive's <c>C:\…</c>, or a
    /// certificate's or key's file name (<c>.pem</c>, <c>.pfx</c>, <c>.p12</c>, <c>.crt</c>, <c>.cer</c>, <c>.key</c>,
    /// <c>.jks</c>): <c>az login -p cert.pem</c>, <c>DB_PASSWORD=/run/secrets/db</c>, <c>HOST_PWD=/app</c> (trial BF F7, F8).
    /// </summary>
    private static bool IsPath(ReadOnlySpan<char> value)
    {
        // An absolute path: path characters only, and more than one folder or a lower-case name (/run/secrets/db,
        // /app); not /Qx9+LmA2wZ or /k3Y9Zq, a base64 password's first character (trial BG F3).
        if (value[0] == '/' && value.Length > 1 && !value.ContainsAnyExcept(PathCharacters)
            && (value[1..].Contains('/') || !value.ContainsAnyInRange('A', 'Z')))
        {
            return true;
        }

        if (value.StartsWith("./") || value.StartsWith("../") || value.StartsWith("~/")
            || (value.Length > 3 && char.IsAsciiLetter(value[0]) && value[1] == ':' && value[2] is '\\' or '/'))
        {
            return true;
        }

        int dot = value.LastIndexOf('.');
        if (dot > 0)
        {
            foreach (string extension in KeyFileExtensions)
            {
                if (value[(dot + 1)..].Equals(extension, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether one of the parts of <paramref name="path"/> between slashes is a word: three or more lower-case letters (<c>src</c>, <c>home</c>).</summary>
    private static bool HasWordFolder(ReadOnlySpan<char> path)
    {
        foreach (Range part in path.Split('/'))
        {
            if (path[part].Length >= 3 && !path[part].ContainsAnyExceptInRange('a', 'z'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the environment variable <paramref name="nameStart"/> starts (found by <see cref="AssignedName"/>) is a keyword argument of a call in code: right after a function's name and <c>(</c> (<c>f(ADMIN_PASSWORD=…</c>;
    /// not a shell's <c>$(PGPASSWORD=… psql)</c>, <c>(PGPASSWORD=…</c> or <c>ENVS=(DB_PASSWORD=…)</c>: trial BH F3). Not
    /// after a comma: a printed map or a log line lists variables so (<c>{PATH=/usr/bin, DB_PASSWORD=…}</c>: trial BI F3).
    /// </summary>
    private static bool IsKeywordArgument(string input, int nameStart, int nameLength)
        => nameLength > 0 && nameStart > 1 && input[nameStart - 1] == '(' && (char.IsAsciiLetterOrDigit(input[nameStart - 2]) || input[nameStart - 2] == '_');

    /// <summary>
    /// The upper-case name assigned the value at <paramref name="valueStart"/> of <paramref name="input"/> (<c>NAME=</c>,
    /// <c>NAME = </c>), empty when none; <paramref name="nameStart"/> is where it starts (or would).
    /// </summary>
    private static ReadOnlySpan<char> AssignedName(string input, int valueStart, out int nameStart)
    {
        nameStart = valueStart;
        int i = valueStart - 1;
        while (i >= 0 && input[i] is ' ' or '\t')
        {
            i--;
        }

        if (i < 0 || input[i] != '=')
        {
            return [];
        }

        i--;
        while (i >= 0 && input[i] is ' ' or '\t')
        {
            i--;
        }

        int end = i + 1;
        while (i >= 0 && (char.IsAsciiLetterUpper(input[i]) || char.IsAsciiDigit(input[i]) || input[i] == '_'))
        {
            i--;
        }

        nameStart = i + 1;
        return input.AsSpan(nameStart, end - nameStart);
    }

    /// <summary>
    /// Whether the word before a value, whose last character is at <paramref name="end"/> of <paramref name="input"/> (with
    /// the separators after it), is an option taking no value, so the word after it is the next argument: a long option
    /// ending in <c>-password</c> or <c>-passphrase</c> that is a flag (<c>--no-password</c>, <c>--ask-password</c>, <c>--prompt-password</c>, …),
    /// or a PostgreSQL client's <c>--password</c> written without <c>=</c>, which makes it prompt (<c>pg_dump -U app
    /// --password app_production</c>: psql(1), "-W, --password"; trial BL D2), before a <paramref name="value"/> that reads
    /// as a database's name: an identifier in one case (<c>Q9zXy7kP2qLm9vRt</c> is a password put there all the same).
    /// </summary>
    private static bool IsAfterFlag(string input, int end, ReadOnlySpan<char> value)
    {
        int i = end;
        bool equals = false;
        while (i >= 0 && input[i] is ' ' or '\t' or '=' or ',' or '"' or '\'')
        {
            equals |= input[i] == '=';
            i--;
        }

        int last = i;
        while (i >= 0 && (char.IsAsciiLetterOrDigit(input[i]) || input[i] == '-'))
        {
            i--;
        }

        ReadOnlySpan<char> option = input.AsSpan(i + 1, last - i);
        if (!option.StartsWith("--") || !(option.EndsWith("password", StringComparison.OrdinalIgnoreCase) || option.EndsWith("passphrase", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (option.Length == "--password".Length)
        {
            int lineStart = Math.Max(input.AsSpan(0, i + 1).LastIndexOfAny("\r\n;|&"), i - 512) + 1;
            return !equals && IsDatabaseName(value) && PostgresClient.IsMatch(input.AsSpan(lineStart, i + 1 - lineStart));
        }

        foreach (Range word in option[2..].Split('-'))
        {
            if (FlagWords.Contains(option[2..][word].ToString()))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a digit or a symbol (not <c>- _ .</c>) stands between two letters of <paramref name="value"/> (<c>S3cret</c>, <c>P@ss</c>; not <c>Lexer1</c>).</summary>
    private static bool HasDigitOrSymbolAmongLetters(ReadOnlySpan<char> value)
    {
        for (int i = 1; i < value.Length - 1; i++)
        {
            if (!char.IsAsciiLetter(value[i]) && value[i] is not ('-' or '_' or '.') && char.IsAsciiLetter(value[i - 1]) && char.IsAsciiLetter(value[i + 1]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A help text's placeholder for an option's value, its name in upper case (argparse's <c>--master-user-password
    /// MASTER_USER_PASSWORD</c>, <c>--passphrase PASSPHRASE</c>: trial BM M2): upper-case letters and <c>_</c> naming a password.
    /// </summary>
    private static bool IsMetavar(ReadOnlySpan<char> value)
        => !value.ContainsAnyExcept(MetavarCharacters) && (value.Contains("PASS", StringComparison.Ordinal) || value.Contains("PWD", StringComparison.Ordinal) || value.Contains("SECRET", StringComparison.Ordinal));

    /// <summary>An identifier (letters, digits, <c>- _ .</c>) not mixing upper and lower case, as databases are named.</summary>
    private static bool IsDatabaseName(ReadOnlySpan<char> value)
        => !value.ContainsAnyExcept(IdentifierCharacters) && !(value.ContainsAnyInRange('A', 'Z') && value.ContainsAnyInRange('a', 'z'));

    /// <summary>A port or address mapping: digits, dots, colons, commas and dashes holding a colon or a comma, <c>/tcp</c> or <c>/udp</c> after.</summary>
    private static bool IsPortMapping(ReadOnlySpan<char> value)
    {
        if (value.EndsWith("/tcp", StringComparison.OrdinalIgnoreCase) || value.EndsWith("/udp", StringComparison.OrdinalIgnoreCase))
        {
            value = value[..^4];
        }

        return value.ContainsAny(':', ',') && !value.ContainsAnyExcept(PortMappingCharacters);
    }

    /// <summary>A <c>Password=</c> value inside a connection string: followed by <c>;</c>, or its key preceded by <c>;</c>.</summary>
    private static bool IsInConnectionString(string input, int start, int length)
    {
        int after = start + length;
        if (after < input.Length && input[after] == ';')
        {
            return true;
        }

        // Back from the value: the '=', spaces, the key (Password/Pwd), spaces; then a ';' ends the previous pair.
        int i = input.LastIndexOf('=', start - 1) - 1;
        while (i >= 0 && input[i] is ' ' or '\t')
        {
            i--;
        }

        while (i >= 0 && char.IsAsciiLetter(input[i]))
        {
            i--;
        }

        while (i >= 0 && input[i] is ' ' or '\t')
        {
            i--;
        }

        return i >= 0 && input[i] == ';';
    }
}

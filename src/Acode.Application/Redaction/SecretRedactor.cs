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
    private static readonly SearchValues<char> AsciiLetters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    private static readonly HashSet<string> EnvironmentObjectNames = new(
        ["env", "environment", "envVars", "env_vars", "environmentVariables", "environment_variables", "containerEnv", "remoteEnv"],
        StringComparer.OrdinalIgnoreCase);
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
    private readonly SecretRule? _passwordKeyRule;
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
        _environmentRule = _rules.FirstOrDefault(r => r.Pattern == BuiltInSecretRules.EnvironmentPasswordPattern);
        _passwordKeyRule = _rules.FirstOrDefault(r => r.Pattern == BuiltInSecretRules.LowerCaseYamlPasswordPattern);
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
            // Outside an environment, the password a key/value object names ({"key": "password", "value": "…"}: a Postman
            // collection's form fields and environments; Keycloak's {"type": "password", "value": "…"}).
            string? pairKey = null;
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
                    pairKey = null;
                }
                else if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    containers.TryPop(out _);
                    pairName = null;
                    pairKey = null;
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
                    bool isValue = "value".Equals(name, StringComparison.OrdinalIgnoreCase);
                    bool paired = pairName is not null && isValue;
                    string? parameter = paired ? null : isValue ? pairKey ?? ParameterName(name, containers) : null;
                    string? passwordKey = parameter ?? (!paired && name is not null && CommandLinePasswords.IsPasswordKey(name) && !IsNameMap(containers) ? name : null);
                    string redacted = RedactValue(paired ? pairName : parameter ?? name, value, inEnvironment, passwordKey is not null, counts);
                    pairName = inEnvironment && "name".Equals(name, StringComparison.OrdinalIgnoreCase) ? value : pairName;
                    pairKey = !inEnvironment && name is not null && NamesPair(name) && CommandLinePasswords.IsPasswordKey(value) ? value : pairKey;
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
    /// The parameter a <c>value</c> property gives the value of: an ARM template's parameters file
    /// (<c>{"parameters": {"adminPassword": {"value": "…"}}}</c>) or Terraform's outputs (<c>{"outputs": {"db_password":
    /// {"sensitive": true, "value": "…"}}}</c>), when the parameter's name is a password's
    /// (<see cref="CommandLinePasswords.IsPasswordKey"/>); null otherwise (<c>{"authMethods": {"password": {"value": …}}}</c>
    /// is an option's: trial BZ).
    /// </summary>
    private static string? ParameterName(string? name, Stack<string?> containers)
    {
        if (!"value".Equals(name, StringComparison.OrdinalIgnoreCase) || containers.Count < 2)
        {
            return null;
        }

        using Stack<string?>.Enumerator outer = containers.GetEnumerator();
        outer.MoveNext();
        string? parameter = outer.Current;
        outer.MoveNext();
        return parameter is not null && outer.Current is { } list && (list.Equals("parameters", StringComparison.OrdinalIgnoreCase) || list.Equals("outputs", StringComparison.OrdinalIgnoreCase))
            && CommandLinePasswords.IsPasswordKey(parameter) ? parameter : null;
    }

    /// <summary>Whether a property names its object's <c>value</c> (<c>key</c>, <c>name</c>, <c>type</c>, in any case).</summary>
    private static bool NamesPair(string name)
        => name.Equals("key", StringComparison.OrdinalIgnoreCase) || name.Equals("name", StringComparison.OrdinalIgnoreCase) || name.Equals("type", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether the object a property is in maps names to what they name rather than to values: its own name ends in one of
    /// <see cref="NameMapSuffixes"/> (<c>secretKeys</c>, <c>credentialIds</c>, <c>keyVaultSecretNames</c>, <c>locators</c>,
    /// <c>columnTypes</c>: a password key there holds a secret's name, an id, a locator or a type, trial BZ).
    /// </summary>
    private static bool IsNameMap(Stack<string?> containers)
    {
        if (!containers.TryPeek(out string? holder) || holder is null)
        {
            return false;
        }

        foreach (string suffix in NameMapSuffixes)
        {
            if (holder.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly string[] NameMapSuffixes =
    [
        "names", "ids", "keys", "mappings", "map", "locators", "selectors", "columns", "types", "icons", "labels", "messages",
        "errors", "events", "fields", "refs", "references", "routes", "paths", "variants", "experiments", "steps",
    ];

    /// <summary>
    /// A JSON string value: its text redacted; when nothing was found and it is the value of a secret-named property, the
    /// whole value when it looks like a secret, or, <paramref name="passwordKey"/> (a password's property outside an
    /// environment object, <see cref="CommandLinePasswords.IsPasswordKey"/>), when it is a person's password, or,
    /// <paramref name="inEnvironment"/> (a property of an object named <c>env</c>, <c>environment</c>, …), when it is a
    /// password by its variable's name.
    /// </summary>
    private string RedactValue(string? name, string value, bool inEnvironment, bool passwordKey, RedactionCounts counts)
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

        if (_passwordKeyRule is not null && passwordKey && !inEnvironment && !value.Contains('"'))
        {
            // An object's password key ({"password": "hunter2024"}, an ARM template's "adminPassword", a config's
            // "db_password") is read as the YAML key it stands for, so its value is judged as there: a person's password
            // of 8 characters or more with a lower-case letter and a digit, not a hash's name, not a text or a code.
            const string Key = "password: \"";
            string line = Key + value + "\"";
            string applied = Apply(_passwordKeyRule, line, counts);
            if (!ReferenceEquals(applied, line))
            {
                return applied[Key.Length..^1];
            }
        }

        if (inEnvironment && _environmentRule is not null && name.Length > 0 && char.IsAsciiLetterUpper(name[0]) && !name.AsSpan().ContainsAnyExcept(CommandLinePasswords.EnvironmentNameCharacters) && !value.Contains('"'))
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
            foreach ((int index, int length) in SecretsFound(rule, matched, view))
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
    internal static IEnumerable<(int Index, int Length)> SecretsFound(SecretRule rule, string matched, JsonUnescapedView? view = null)
    {
        bool commandLine = rule.Check is SecretCheck.CommandLinePassword or SecretCheck.EnvironmentPassword or SecretCheck.KeyedPassword or SecretCheck.QuotedPassword;
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
                // The environment rule's docker … -e "NAME=…" too (trial BK F1), libpq's password=… before another on its line
                // (trial BP H1), SQL's IDENTIFIED BY '…' before another within 256 characters (trial BR).
                foreach ((int Index, int Length) earlier in EarlierOptions(rule, matched, match.Index, secret.Index))
                {
                    yield return WithoutTrailingPunctuation(matched, earlier.Index, earlier.Length);
                }
            }

            (int index, int length) = commandLine ? WithoutTrailingPunctuation(matched, secret.Index, secret.Length)
                : rule.Check == SecretCheck.Assigned ? WithoutTrailingAmpersands(matched, secret.Index, secret.Length)
                : (secret.Index, secret.Length);
            int? part = rule.Check is SecretCheck.Assigned or SecretCheck.EnvironmentPassword or SecretCheck.KeyedPassword ? ValueCuts.DelimitedPart(matched, index, length, view) : null;
            (int Length, bool Secret)? parameter = part is null && rule.Check == SecretCheck.Assigned ? ValueCuts.BeforeNextParameter(matched, index, length) : null;
            part ??= parameter is { Secret: true } before ? before.Length : null;
            if (part is int cut && ++cuts <= CutsPerText)
            {
                // What follows the part may hold the next secret (s/NAME=pattern/NAME=replacement/: trials BM H1, BN H2,
                // H3; access_token=…&refresh_token=…: trial BN H1): the search goes on right after it.
                yield return (index, cut);
                match = rule.Regex.Match(matched, index + cut);
                continue;
            }

            // A flag before a query string's next parameter (?reset_password=true&id=5: trial BT) is no secret; the
            // parameters after it are judged by the rules (a cut too: one line of 15 000 flags took 48 s, trial BU).
            if (parameter is { Secret: false } flag && ++cuts <= CutsPerText)
            {
                match = rule.Regex.Match(matched, index + flag.Length);
                continue;
            }

            // A value that runs into a marker over the next name (…\/DB_PASSWORD=[REDACTED:…]) is the rest of a substitution
            // whose delimiters were not found: not a value of its own (trial BP).
            if (part is null && length > 0 && matched[index + length - 1] == '='
                && matched.AsSpan(index + length).StartsWith(SecretValues.MarkerPrefix, StringComparison.Ordinal))
            {
                match = match.NextMatch();
                continue;
            }

            yield return (index, length);
            match = match.NextMatch();
        }
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
    internal static (int Index, int Length) WithoutTrailingAmpersands(string matched, int index, int length)
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
            SecretCheck.Assigned => SecretValues.IsAssignedSecret(value),
            SecretCheck.ConnectionString => IsInConnectionString(input, start, length),
            SecretCheck.PrefixedToken => value.Length > 4 && !SecretValues.IsMask(value[4..]),
            SecretCheck.CommandLinePassword or SecretCheck.EnvironmentPassword or SecretCheck.KeyedPassword or SecretCheck.QuotedPassword => CommandLinePasswords.Passes(value, input, start, check),
            _ => false,
        };
    }

    /// <summary>
    /// A <c>Password=</c> value inside a connection string: followed by <c>;</c> (but not code's statement that reads a
    /// member, <c>password = process.env.DB_PASSWORD;</c>: trial BT), or its key preceded by <c>;</c>.
    /// </summary>
    private static bool IsInConnectionString(string input, int start, int length)
    {
        int after = start + length;
        if (after < input.Length && input[after] == ';' && !(SecretValues.IsMemberAccess(input.AsSpan(start, length).TrimEnd()) && SecretValues.EndsStatement(input, after + 1)))
        {
            return true;
        }

        // Back from the value: the '=', spaces, the key (Password/Pwd), spaces; then a ';' ends the previous pair.
        int i = BackScan.Over(input, input.LastIndexOf('=', start - 1) - 1, BackScan.Blanks);
        i = BackScan.Over(input, i, AsciiLetters);
        i = BackScan.Over(input, i, BackScan.Blanks);
        return i >= 0 && input[i] == ';';
    }
}

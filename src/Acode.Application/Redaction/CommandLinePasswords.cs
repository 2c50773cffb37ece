using System.Buffers;
using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Acode.Application.Redaction;

/// <summary>
/// The checks of the password rules (<see cref="SecretCheck.CommandLinePassword"/>, <see cref="SecretCheck.EnvironmentPassword"/>,
/// <see cref="SecretCheck.KeyedPassword"/>, <see cref="SecretCheck.QuotedPassword"/>): whether a value found where a command
/// line's option, a password variable, a query's or connection string's key or a SQL statement puts a password is one,
/// not a placeholder, a help text's metavar, a reference, a template, a path, a port mapping or the next argument after a flag.
/// </summary>
internal static class CommandLinePasswords
{
    private static readonly SearchValues<char> AsciiLettersAndDigits = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    private static readonly SearchValues<char> PathCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~/");
    private static readonly SearchValues<char> PatternCharacters = SearchValues.Create("*+?\\[]^$");
    private static readonly SearchValues<char> MetavarCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
    private static readonly SearchValues<char> KeyCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

    /// <summary>The characters of an environment variable's name as shells write them: upper-case letters, digits and <c>_</c>.</summary>
    public static readonly SearchValues<char> EnvironmentNameCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    private static readonly SearchValues<char> AssignmentMark = SearchValues.Create("=");
    private static readonly SearchValues<char> KeyMarks = SearchValues.Create(":,");
    private static readonly SearchValues<char> FormKeyMarks = SearchValues.Create(":=");
    private static readonly SearchValues<char> OptionSeparators = SearchValues.Create(" \t=,\"'");
    private static readonly SearchValues<char> OptionCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
    private static readonly SearchValues<char> LowerCaseWordCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz_");
    private static readonly SearchValues<char> PortMappingCharacters = SearchValues.Create("0123456789.:,-");
    private static readonly string[] KeyFileExtensions = ["pem", "pfx", "p12", "crt", "cer", "key", "jks"];
    private static readonly HashSet<string> FlagWords = new(
        ["no", "ask", "prompt", "show", "hide", "generate", "random", "skip", "require", "forgot", "without", "empty", "disable", "allow", "auto", "expire", "stdin", "save", "remember", "check"],
        StringComparer.OrdinalIgnoreCase);

    // Built on the first --password without '=' (not when the type is first used: a command that writes nothing never needs it).
    private static readonly Lazy<Regex> PostgresClient = new(() => new Regex(
        @"(?:^|[\s""'/\[])(?:psql|pg_dump|pg_dumpall|pg_restore|pg_basebackup|createdb|dropdb|createuser|dropuser|vacuumdb|reindexdb|clusterdb)(?:\.exe)?(?:[\s""',]|$)",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase));

    /// <summary>
    /// Whether the value at <paramref name="start"/> of <paramref name="input"/> passes <paramref name="check"/>, one of
    /// the four password checks (see the class).
    /// </summary>
    public static bool Passes(ReadOnlySpan<char> value, string input, int start, SecretCheck check)
    {
        if (check == SecretCheck.QuotedPassword)
        {
            return IsQuotedPassword(value);
        }

        bool environment = check != SecretCheck.CommandLinePassword;
        bool quoted = start > 0 && input[start - 1] is '"' or '\'';
        int beforeAt = quoted ? start - 2 : start - 1;
        char before = beforeAt >= 0 ? input[beforeAt] : ' ';
        // A word of its own starting with '-' is the next option (a bare --password prompts for it: trial BC F2); attached
        // (-p-Xk9…, user:-Xk9…) it is the password (trial BD F2).
        if ((value[0] == '-' && before is ' ' or '\t' or ',') || IsReference(value) || (!quoted && IsYamlTag(value))
            || (!environment && IsAfterFlag(input, beforeAt, value)))
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

            // An unquoted value of several words after a blank (a YAML value's or a Dockerfile ENV's line; not a quoted
            // word's NAME=Pa ss w0rd) is a password when its first word is one (S3cret Pw99); prose keeps its first word
            // (set via sealed secret db-creds-v2: trial BU).
            if (environment && before is ' ' or '\t' && value.IndexOf(' ') is > 0 and int blank)
            {
                // …and, unless that word is a strong one (8 characters or more with upper case, lower case and a digit:
                // Xk9mQ2pz rotated, trial BW; not a to-do note's first word or MySQL8 default root: trial BX), no later word is prose's
                // lower-case word (2024 rotation pending, v1.2.3 (managed by terraform): trial BV).
                ReadOnlySpan<char> first = value[..blank].TrimEnd(":,.;");
                bool strong = first.Length >= 8 && first.ContainsAnyInRange('A', 'Z') && first.ContainsAnyInRange('a', 'z') && first.ContainsAnyInRange('0', '9');
                if (!strong && HasLowerCaseWord(value[(blank + 1)..]))
                {
                    return false;
                }

                value = value[..blank];
            }
        }

        // A template's placeholder or a usage line's optional word is judged by the word inside ({password} and [password]
        // are kept, {Xk9pQ2z} is not: trial BD F3), a usage line's word before its closing bracket without it
        // ([--password PASSWORD]: trial BC F3).
        value = value.Length > 2 && (value[0], value[^1]) is ('{', '}') or ('[', ']') ? value[1..^1] : value.TrimEnd("]}");
        if (value.IsEmpty || SecretValues.IsPlaceholder(value) || IsPath(value))
        {
            return false;
        }

        if (check == SecretCheck.EnvironmentPassword && !IsVariablesPassword(value, input, quoted ? start - 1 : start))
        {
            return false;
        }

        if (environment)
        {
            // A value in code rather than a shell: an identifier or a word (adminPassword, config.dbPassword, Never,
            // ?password=required), a relative path (auth/resetPassword, src/App2/bin; not k3Y9/Zq7Lm2 or Ab1/cD2/eF3x,
            // base64 passwords: trials BI F6, BJ F4, BK F4) (trial BG F5, F8); a sed or perl substitution's pattern
            // (s/^password=[A-Za-z0-9]*/…/: trials BL D1, BP M1); an interface's sentence (RESET_PASSWORD: "Forgot your
            // password?": trial BQ).
            if (SecretValues.IsLettersAndSeparators(value) || IsSentence(value) || IsCall(value) || IsCharacterClass(value)
                || AlgorithmNames.Contains(value) || AlgorithmNames.Contains(value.TrimEnd("0123456789"))
                || (value[0] != '/' && value.Contains('/') && !value.ContainsAnyExcept(PathCharacters) && HasWordFolder(value))
                || (value.ContainsAny(PatternCharacters) && ValueCuts.SubstitutionDelimiter(input, quoted ? start - 1 : start) >= 0))
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
            || (value.ContainsAnyExcept(SecretValues.IdentifierCharacters) && value.ContainsAny(AsciiLettersAndDigits))
            || !value.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>
    /// See <see cref="SecretCheck.QuotedPassword"/>: 4 characters or more, not a placeholder, not a template or code that
    /// builds the statement (<c>{pw}</c>, <c>#{pw}</c>, <c>" + pw + "</c>, <see cref="IsReference"/>), not a syntax line's
    /// lower-case word joined by <c>_</c> (<c>auth_string</c>).
    /// </summary>
    private static bool IsQuotedPassword(ReadOnlySpan<char> value)
        => value.Length >= 4 && !SecretValues.IsPlaceholder(value) && !IsReference(value) && (value[0], value[^1]) is not ('{', '}')
            && !(value.Contains('_') && !value.ContainsAnyExcept(LowerCaseWordCharacters));

    /// <summary>Whether <paramref name="words"/> (blank-separated) hold a word of two or more lower-case letters, trailing punctuation aside.</summary>
    private static bool HasLowerCaseWord(ReadOnlySpan<char> words)
    {
        foreach (Range range in words.Split(' '))
        {
            ReadOnlySpan<char> word = words[range].Trim("()[],.;:!?");
            if (word.Length >= 2 && !word.ContainsAnyExceptInRange('a', 'z'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Names of hashes, ciphers, encodings and curves a password's setting names rather than holds (<c>password: sha256</c>,
    /// <c>HASH_PASSWORD=argon2id</c>: trial BV), any case.
    /// </summary>
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> AlgorithmNames = FrozenSet.ToFrozenSet(
    [
        "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3", "argon2", "argon2i", "argon2d", "argon2id", "pbkdf2",
        "bcrypt", "scrypt", "utf8", "utf8mb4", "base64", "aes128", "aes192", "aes256", "ed25519", "x25519", "rsa2048", "rsa4096",
    ], StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Whether <paramref name="value"/> holds a regular expression's character class (<c>[a-zA-Z0-9]{12}</c>: trial BU).</summary>
    private static bool IsCharacterClass(ReadOnlySpan<char> value)
        => value.IndexOf('[') is >= 0 and int open && value[open..].IndexOf(']') > 0
            && (value.Contains("a-z", StringComparison.Ordinal) || value.Contains("A-Z", StringComparison.Ordinal) || value.Contains("0-9", StringComparison.Ordinal));

    /// <summary>
    /// Whether <paramref name="value"/> is code's call: a name of letters (and <c>. _ -</c>), <c>(</c>, and a final <c>)</c>
    /// (<c>z.string().min(8)</c>, <c>String(x)</c>; not <c>Xk9pQ2z(Lm4)</c>: trial BU).
    /// </summary>
    private static bool IsCall(ReadOnlySpan<char> value)
        => value[^1] == ')' && value.IndexOf('(') is > 0 and int open && SecretValues.IsLettersAndSeparators(value[..open]);

    /// <summary>
    /// Whether <paramref name="value"/> reads as a sentence, an interface's text: two or more words of letters, the first
    /// capitalized, the others in lower case, a final <c>. ? ! :</c> (<c>Forgot your password?</c>, <c>Change password</c>;
    /// not <c>correct horse battery staple</c>, nor <c>P@ss w0rd</c>); or one such word before <c>?</c> or <c>:</c>
    /// (<c>Forgot?</c>, <c>Password:</c>).
    /// </summary>
    private static bool IsSentence(ReadOnlySpan<char> value)
    {
        ReadOnlySpan<char> text = value.TrimEnd(".?!:");
        if (text.Length > 0 && text.Length < value.Length && value[^1] is '?' or ':' && !text.Contains(' ')
            && char.IsAsciiLetterUpper(text[0]) && !text[1..].ContainsAnyExceptInRange('a', 'z'))
        {
            // One word as a label or a question (Password:, Forgot?: trial BT); not Summer! or Welcome.
            return true;
        }

        if (!text.Contains(' ') || !char.IsAsciiLetterUpper(text[0]))
        {
            return false;
        }

        foreach (Range range in text.Split(' '))
        {
            ReadOnlySpan<char> word = text[range];
            if (word.IsEmpty || (range.Start.Value == 0 ? word[1..] : word).ContainsAnyExceptInRange('a', 'z'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The tests of <see cref="SecretCheck.EnvironmentPassword"/> by the variable's name and place, of the value that starts
    /// (its quote included) at <paramref name="valueStart"/>: not a keyword argument (<c>f(ADMIN_PASSWORD=x)</c>), and a
    /// stricter value for a name ending in <c>_PASS</c>.
    /// </summary>
    private static bool IsVariablesPassword(ReadOnlySpan<char> value, string input, int valueStart)
    {
        ReadOnlySpan<char> name = AssignedName(input, valueStart, out int nameStart);
        // A name ending in PASS is as often a count of passed tests or a compiler's pass (TOTAL_PASS=1532, FIRST_PASS=Lexer1,
        // OPT_PASS=mem2reg: trials BF F7, BM L2): its value looks random from 12 characters, or holds a digit or a symbol
        // between letters with both cases or a symbol (RABBITMQ_DEFAULT_PASS=Xk9pQ2zLm4Wr8, SMTP_PASS=S3cret99: trial BL F2).
        if (name.EndsWith("_PASS") && !(value.Length >= 12 && SecretValues.LooksRandom(value))
            && !(HasDigitOrSymbolAmongLetters(value) && (value.ContainsAnyExcept(SecretValues.IdentifierCharacters) || (value.ContainsAnyInRange('A', 'Z') && value.ContainsAnyInRange('a', 'z')))))
        {
            return false;
        }

        return !IsKeywordArgument(input, nameStart, name.Length) && !IsInterfaceKey(input, valueStart)
            && !(IsAfterFormKey(input, valueStart) && (value.Length < 8 || !value.ContainsAnyInRange('a', 'z')));
    }

    /// <summary>
    /// Whether the key before the value at <paramref name="valueStart"/> (<c>KEY: …</c>, <c>"KEY": …</c>, <c>key: …</c>, a
    /// call's <c>put("KEY", …)</c>: trial BV; not a shell's <c>RESET_PASSWORD=Tmp24</c>, a temporary password: trial BU)
    /// names what an interface or a policy says about a password rather than a password: its first word is one of
    /// <see cref="InterfaceWords"/> (<c>WEAK_PASSWORD: E1001</c>, <c>RESET_PASSWORD: /auth/reset/:token</c>,
    /// <c>HASH_PASSWORD: argon2id</c>: an error table, routes, a locale or a policy; trial BT).
    /// </summary>
    private static bool IsInterfaceKey(string input, int valueStart)
        => IsInterfaceName(KeyBefore(input, valueStart, KeyMarks, quoted: true, KeyCharacters, out _));

    /// <summary>
    /// Whether a key's first word, up to its first <c>_</c>, <c>-</c> or <c>.</c> or its first upper-case letter after a
    /// lower-case one (<c>WEAK_PASSWORD</c>, <c>forgotPassword</c>, <c>reset-password</c>), is one of <see cref="InterfaceWords"/>.
    /// </summary>
    private static bool IsInterfaceName(ReadOnlySpan<char> name)
    {
        int end = name.IndexOfAny('_', '-', '.');
        for (int i = 1; i < (end < 0 ? name.Length : end); i++)
        {
            if (char.IsAsciiLetterUpper(name[i]) && char.IsAsciiLetterLower(name[i - 1]))
            {
                end = i;
                break;
            }
        }

        return end > 0 && InterfaceWords.Contains(name[..end]);
    }

    /// <summary>
    /// Whether a JSON object's property <paramref name="name"/> names a password: it ends in <c>password</c>, <c>passwd</c>
    /// or <c>passphrase</c> in any case (<c>password</c>, <c>adminPassword</c>, <c>db_password</c>, <c>DB_PASSWORD</c>) and its
    /// first word is not an interface's (<c>forgotPassword</c>, <c>WEAK_PASSWORD</c>: see <see cref="IsInterfaceName"/>).
    /// </summary>
    public static bool IsPasswordKey(string name)
        => (name.EndsWith("password", StringComparison.OrdinalIgnoreCase) || name.EndsWith("passwd", StringComparison.OrdinalIgnoreCase) || name.EndsWith("passphrase", StringComparison.OrdinalIgnoreCase))
            && !IsInterfaceName(name);

    /// <summary>
    /// Whether the value at <paramref name="valueStart"/> follows a lower-case or capitalized key ending in <c>assword</c>,
    /// <c>asswd</c> or <c>assphrase</c> and a <c>:</c> or <c>=</c> (<c>password: …</c>, a form's <c>Password: …</c>, a
    /// properties file's <c>db.password=…</c>; a quoted key too, <c>"password": …</c>), whose value must look
    /// like a person's password: 8 characters or more and a lower-case letter (not <c>HS256</c>, <c>Step1</c>: trial BW).
    /// </summary>
    private static bool IsAfterFormKey(string input, int valueStart)
    {
        ReadOnlySpan<char> name = KeyBefore(input, valueStart, FormKeyMarks, quoted: true, KeyCharacters, out _);
        return name.EndsWith("assword", StringComparison.Ordinal) || name.EndsWith("asswd", StringComparison.Ordinal) || name.EndsWith("assphrase", StringComparison.Ordinal);
    }

    /// <summary>
    /// The first words of <see cref="IsInterfaceKey"/>'s keys: verbs and adjectives of forms, errors and policies (not
    /// <c>ENABLE_</c>, a network device's enable password, nor <c>STRONG_</c>, <c>VERIFY_</c>, <c>CONFIRM_</c>, <c>REPEAT_</c>,
    /// which hold a password in test fixtures: trial BU).
    /// </summary>
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> InterfaceWords = FrozenSet.ToFrozenSet(
    [
        "INVALID", "WRONG", "INCORRECT", "BAD", "WEAK", "RESET", "FORGOT", "FORGOTTEN", "CHANGE", "CHANGED", "SHOW",
        "HIDE", "TOGGLE", "MAX", "MIN", "HASH", "HASHED", "ROTATE", "ENTER", "EMPTY", "MISSING", "REQUIRE", "REQUIRED",
        "VALIDATE", "LABEL", "ERROR", "ERR", "MSG", "EXPIRE", "EXPIRES", "EXPIRED", "LAST", "LOST", "NO", "IS",
        "HAS", "DISABLE", "ALLOW", "CHECK", "MISMATCH", "TOO", "PWNED",
    ], StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// A reference to a variable on a command line that <see cref="SecretValues.IsPlaceholder"/> does not read as one:
    /// <c>%NAME%</c> and <c>!NAME!</c> (cmd), <c>$$NAME</c> and <c>$${NAME}</c> (a Makefile), <c>\$NAME</c> (escaped for
    /// an inner shell), an f-string's expression cut by its quote (<c>-p{os.environ['PW']}</c>) (trial BE F6), and a
    /// command's output in backticks (<c>"`cat /run/secrets/db`"</c>: trial BG F8); and in code and configuration (trial
    /// BQ, BR): Ruby's <c>#{pw}</c> and Azure DevOps' <c>#{NAME}#</c>, Concourse's <c>((name))</c>, Nomad's <c>[[ .x ]]</c>,
    /// <c>@@NAME@@</c>, Symfony's <c>%env(NAME)%</c>, Puppet's <c>%{hiera('x')}</c>, a string concatenated in code
    /// (<see cref="IsConcatenation"/>), a secret store's address
    /// (<c>op://vault/db/password</c>, <c>vault:…</c>, <c>secretref:…</c>, <c>@Microsoft.KeyVault(…)</c>, <c>arn:aws:secretsmanager:…</c>),
    /// a pipeline's <c>$[variables.x]</c>, <c>env:NAME</c> and <c>file:/path</c> (trial BS).
    /// </summary>
    private static bool IsReference(ReadOnlySpan<char> value)
    {
        if (value.Length > 2 && (value[0], value[^1]) is ('%', '%') or ('!', '!') && !value[1..^1].ContainsAnyExcept(SecretValues.IdentifierCharacters))
        {
            return true;
        }

        foreach (string prefix in ReferencePrefixes)
        {
            if (value.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        if (value.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase) || value.Contains("://", StringComparison.Ordinal) || IsConcatenation(value))
        {
            return true;
        }

        if (value.StartsWith("$$") || value.StartsWith("\\$"))
        {
            return SecretValues.IsPlaceholder(value[1..]);
        }

        return (value[0] == '{' && !value.Contains('}')) || value[0] == '`';
    }

    /// <summary>How a reference of <see cref="IsReference"/> begins, in this case.</summary>
    private static readonly string[] ReferencePrefixes =
        ["#{", "((", "[[", "@@", "%env(", "%{", "arn:", "secretref:", "vault:", "env:", "{env:", "file:", "$["];

    /// <summary>
    /// Whether <paramref name="value"/> is a YAML tag, with what it applies to after a blank or not (CloudFormation's
    /// <c>!Ref DBPassword</c>, <c>!Sub '…'</c>, Ansible's <c>!vault |</c>; YAML 1.2, 6.8.2 "Node Tags").
    /// </summary>
    private static bool IsYamlTag(ReadOnlySpan<char> value)
    {
        if (value.Length < 2 || value[0] != '!')
        {
            return false;
        }

        int end = value.IndexOf(' ') is >= 0 and int blank ? blank : value.Length;
        return end > 1 && SecretValues.IsLettersAndSeparators(value[1..end]);
    }

    /// <summary>
    /// Whether a quoted literal's value is code that joins strings around a variable: a quote, then an operator (<c>+</c>,
    /// <c>.</c>, <c>&amp;</c>, <c>||</c>) after optional blanks (<c>'" + pw + "'</c>, PHP's <c>'" . $pass . "'</c>, VB's
    /// <c>'" &amp; pw &amp; "'</c>, T-SQL's <c>''' + @pw + '''</c>, PL/pgSQL's <c>''' || pw || '''</c>), or a shell's
    /// <c>'"${DB_PASSWORD}"'</c>.
    /// </summary>
    private static bool IsConcatenation(ReadOnlySpan<char> value)
    {
        ReadOnlySpan<char> rest = value.TrimStart("'\"");
        if (rest.Length == value.Length)
        {
            return false;
        }

        rest = rest.TrimStart(' ');
        return rest.StartsWith("+") || rest.StartsWith(".") || rest.StartsWith("&") || rest.StartsWith("||")
            || SecretValues.IsPlaceholder(rest.TrimEnd("'\""));
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
        => KeyBefore(input, valueStart, AssignmentMark, quoted: false, EnvironmentNameCharacters, out nameStart);

    /// <summary>
    /// The key the value at <paramref name="valueStart"/> of <paramref name="input"/> is given to: the run of
    /// <paramref name="nameCharacters"/> before one of <paramref name="marks"/> (<c>=</c>, <c>:</c>, …), blanks on either
    /// side of the mark skipped, and a closing quote right before the mark when <paramref name="quoted"/> (<c>"KEY": …</c>).
    /// Empty when no mark comes right before the value; <paramref name="nameStart"/> is where the key starts
    /// (<paramref name="valueStart"/> when there is no mark).
    /// </summary>
    private static ReadOnlySpan<char> KeyBefore(string input, int valueStart, SearchValues<char> marks, bool quoted, SearchValues<char> nameCharacters, out int nameStart)
    {
        nameStart = valueStart;
        int i = BackScan.Over(input, valueStart - 1, BackScan.Blanks);
        if (i < 0 || !marks.Contains(input[i]))
        {
            return [];
        }

        i = BackScan.Over(input, i - 1, BackScan.Blanks);
        i -= quoted && i >= 0 && input[i] is '"' or '\'' ? 1 : 0;
        int end = i + 1;
        i = BackScan.Over(input, i, nameCharacters);
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
        int last = BackScan.Over(input, end, OptionSeparators);
        bool equals = input.AsSpan(last + 1, end - last).Contains('=');
        int i = BackScan.Over(input, last, OptionCharacters);
        ReadOnlySpan<char> option = input.AsSpan(i + 1, last - i);
        if (!option.StartsWith("--") || !(option.EndsWith("password", StringComparison.OrdinalIgnoreCase) || option.EndsWith("passphrase", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (option.Length == "--password".Length)
        {
            int lineStart = Math.Max(input.AsSpan(0, i + 1).LastIndexOfAny("\r\n;|&"), i - 512) + 1;
            return !equals && IsDatabaseName(value) && PostgresClient.Value.IsMatch(input.AsSpan(lineStart, i + 1 - lineStart));
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
        => !value.ContainsAnyExcept(SecretValues.IdentifierCharacters) && !(value.ContainsAnyInRange('A', 'Z') && value.ContainsAnyInRange('a', 'z'));

    /// <summary>A port or address mapping: digits, dots, colons, commas and dashes holding a colon or a comma, <c>/tcp</c> or <c>/udp</c> after.</summary>
    private static bool IsPortMapping(ReadOnlySpan<char> value)
    {
        if (value.EndsWith("/tcp", StringComparison.OrdinalIgnoreCase) || value.EndsWith("/udp", StringComparison.OrdinalIgnoreCase))
        {
            value = value[..^4];
        }

        return value.ContainsAny(':', ',') && !value.ContainsAnyExcept(PortMappingCharacters);
    }
}

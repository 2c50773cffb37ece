namespace Acode.Application.Redaction;

/// <summary>
/// The rules on by default, in the order they run (an earlier rule's marker is never matched by a later rule). The table
/// and what each rule keeps are documented in docs/secrets.md.
/// </summary>
public static class BuiltInSecretRules
{
    /// <summary>Kind of the rule for PEM private keys (<c>-----BEGIN … PRIVATE KEY-----</c> blocks); its marker is <c>[REDACTED:private-key]</c>.</summary>
    public const string PrivateKey = "private-key";
    /// <summary>Kind of the rule for JSON Web Tokens (<c>eyJ….eyJ….…</c>); its marker is <c>[REDACTED:jwt]</c>.</summary>
    public const string Jwt = "jwt";
    /// <summary>Kind of the rule for AWS access key ids (<c>AKIA…</c>, <c>ASIA…</c>); its marker is <c>[REDACTED:aws-access-key-id]</c>.</summary>
    public const string AwsAccessKeyId = "aws-access-key-id";
    /// <summary>Kind of the rule for AWS secret access keys (40 characters after an <c>aws_secret_access_key</c>-like name); its marker is <c>[REDACTED:aws-secret-access-key]</c>.</summary>
    public const string AwsSecretAccessKey = "aws-secret-access-key";
    /// <summary>Kind of the rule for GitHub tokens (<c>ghp_</c>, <c>gho_</c>, <c>github_pat_</c>, …); its marker is <c>[REDACTED:github-token]</c>.</summary>
    public const string GitHubToken = "github-token";
    /// <summary>Kind of the rule for GitLab tokens (<c>glpat-…</c>); its marker is <c>[REDACTED:gitlab-token]</c>.</summary>
    public const string GitLabToken = "gitlab-token";
    /// <summary>Kind of the rule for Slack tokens (<c>xoxb-…</c>, <c>xoxp-…</c>, …); its marker is <c>[REDACTED:slack-token]</c>.</summary>
    public const string SlackToken = "slack-token";
    /// <summary>Kind of the rule for Stripe keys (<c>sk_live_…</c>, <c>rk_live_…</c>, …); its marker is <c>[REDACTED:stripe-key]</c>.</summary>
    public const string StripeKey = "stripe-key";
    /// <summary>Kind of the rule for Anthropic API keys (<c>sk-ant-…</c>); its marker is <c>[REDACTED:anthropic-api-key]</c>.</summary>
    public const string AnthropicApiKey = "anthropic-api-key";
    /// <summary>Kind of the rule for OpenAI API keys (<c>sk-…</c>, <c>sk-proj-…</c>); its marker is <c>[REDACTED:openai-api-key]</c>.</summary>
    public const string OpenAiApiKey = "openai-api-key";
    /// <summary>Kind of the rule for Google API keys (<c>AIza…</c>); its marker is <c>[REDACTED:google-api-key]</c>.</summary>
    public const string GoogleApiKey = "google-api-key";
    /// <summary>Kind of the rule for SendGrid API keys (<c>SG.</c> + 22 + <c>.</c> + 43 base64url characters); its marker is <c>[REDACTED:sendgrid-api-key]</c>.</summary>
    public const string SendGridApiKey = "sendgrid-api-key";
    /// <summary>Kind of the rule for the password of a URL (<c>scheme://user:password@host</c>); the rest of the URL is kept; its marker is <c>[REDACTED:url-password]</c>.</summary>
    public const string UrlPassword = "url-password";
    /// <summary>Kind of the rule for the value of <c>Password=</c>/<c>Pwd=</c> in a connection string; its marker is <c>[REDACTED:connection-string-password]</c>.</summary>
    public const string ConnectionStringPassword = "connection-string-password";
    /// <summary>Kind of the rule for the credentials of an HTTP <c>Authorization</c> header (<c>Bearer</c>, <c>Basic</c>, <c>token</c>); the scheme is kept; its marker is <c>[REDACTED:authorization-header]</c>.</summary>
    public const string AuthorizationHeader = "authorization-header";
    /// <summary>Kind of the rule for the password of a <c>.netrc</c> entry (<c>machine … login … password …</c>); its marker is <c>[REDACTED:netrc-password]</c>.</summary>
    public const string NetrcPassword = "netrc-password";
    /// <summary>Kind of the rule for a password in SQL that sets one (<c>ALTER USER … WITH PASSWORD '…'</c>, <c>IDENTIFIED BY '…'</c>); its marker is <c>[REDACTED:sql-password]</c>.</summary>
    public const string SqlPassword = "sql-password";
    /// <summary>Kind of the rule for a password given on a command line (<c>--password …</c>, <c>docker login -p …</c>, <c>mysql -p…</c>); its marker is <c>[REDACTED:cli-password]</c>.</summary>
    public const string CliPassword = "cli-password";
    /// <summary>Kind of the rule for a random-looking value assigned to a secret-sounding name (<c>password=…</c>, <c>api_key: …</c>); its marker is <c>[REDACTED:generic-secret]</c>.</summary>
    public const string GenericSecret = "generic-secret";

    /// <summary>The built-in kinds, in the order their rules run (no pattern is compiled to list them).</summary>
    public static IReadOnlyList<string> Kinds { get; } =
    [
        PrivateKey, Jwt, AwsAccessKeyId, AwsSecretAccessKey, GitHubToken, GitLabToken, SlackToken, StripeKey, AnthropicApiKey, OpenAiApiKey,
        GoogleApiKey, SendGridApiKey, UrlPassword, ConnectionStringPassword, AuthorizationHeader, NetrcPassword, SqlPassword, CliPassword,
        GenericSecret,
    ];

    /// <summary>Names of a value that is a secret by its name alone (<c>password</c>, <c>api_key</c>, <c>client_secret</c>, …), as a pattern fragment.</summary>
    internal const string SecretNames = @"(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)";

    /// <summary>Names of an AWS secret access key (<c>aws_secret_access_key</c>, <c>SecretAccessKey</c>), as a pattern fragment.</summary>
    internal const string AwsSecretNames = @"(?:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key)";

    /// <summary>The marker of <see cref="AwsAccessKeyId"/>, as a pattern.</summary>
    private const string AwsKeyIdMarker = @"\[REDACTED:aws-access-key-id\]";

    private const string Assignment = @"[""']?\s*(?::=|=>|[:=])\s*[""']?";

    /// <summary>The literals of the generic rule's names (<see cref="SecretNames"/>), any case.</summary>
    internal static readonly string[] SecretNameLiterals =
        ["password", "passwd", "secret", "token", "apikey", "api_key", "api-key", "accesskey", "access_key", "access-key", "private_key", "privatekey", "private-key", "credential"];

    /// <summary>
    /// A password on a command line: after <c>--password</c>, <c>--passphrase</c> or an option ending in <c>-password</c>
    /// (<c>--master-user-password</c>, <c>--admin-password</c>: trial BL F1; <c>=</c> or blanks; not <c>--password-stdin</c>;
    /// a flag such as <c>--no-password</c> is left to the check), after
    /// <c>-p</c> in a <c>docker login</c>, sshpass's own <c>-p</c> (after its <c>-v</c> and <c>-P prompt</c>, not ssh's:
    /// <c>sshpass -p … ssh -p 2222</c>), attached to <c>-p</c> in a command of the mysql family (<c>mysql</c>,
    /// <c>mysqldump</c>, <c>mysql_upgrade</c>, <c>mariadb-dump</c>, …: <c>-pSecret</c>; any other command's <c>-p</c>, such
    /// as <c>mkdir -p</c>, is left alone; the command a word of its own, <c>.exe</c> or not, in any case, not a folder of a
    /// path). curl's <c>-u user:…</c> and other tools' options are rules of their own (<see cref="ToolPassword"/>). The
    /// command's own line only (no <c>|</c>, <c>;</c>, <c>&amp;</c> or line break between it and <c>-p</c>, except a line
    /// break a backslash continues: <see cref="CommandLineSpan"/>; the words may
    /// be quoted and listed, as a program prints its argument list: <see cref="NextQuotedWord"/>), and at most
    /// 512 characters from the command to its <c>-p</c>: unbounded, each match was looked for back to the start of its line,
    /// and one 800 KB line of 20 000 commands took 16 s to scan (trial AW W8); 256 lost a backup command's password (trial
    /// AX X1); about 900 is the most a pattern run without backtracking may hold (its automaton's 10 000 nodes). A
    /// quoted value is taken whole (<see cref="PasswordValue"/>).
    /// </summary>
    private const string CliPasswordPattern =
        @"(?:--(?:[A-Za-z0-9]+-)*(?:password|passphrase)(?:=|[ \t]+|" + NextQuotedWord + @")|\bdocker(?:[ \t]+|" + NextQuotedWord + @")login\b" + CommandLineSpan + WordBefore + @"-p(?:[ \t]+|" + NextQuotedWord + @")|\bsshpass(?:" + WordAfter + @"-v|" + WordAfter + @"-P(?:[ \t]*|" + NextQuotedWord + @")[^\s-]\S*)*" + WordAfter + @"-p(?:[ \t]*|" + NextQuotedWord + @")|\b(?i:mysql[a-z_]*|mariadb(?:-[a-z]+)?)(?i:\.exe)?(?:[ \t""']" + CommandLineSpan + @")?" + WordBefore + @"-p)" + PasswordValue;

    /// <summary>A double- or single-quoted value on one line, its text the <c>secret</c> group (two alternatives, no group around them).</summary>
    private const string QuotedText = @"""(?<secret>[^""\r\n]+)""|'(?<secret>[^'\r\n]+)'";

    /// <summary>
    /// The password: within the quotes that open right before it, whatever it holds but a line break (<c>-p'S3cret;Pw'</c>,
    /// <c>--password "correct horse battery staple"</c>: trial BE F7); else up to a blank, a quote or a shell operator, a
    /// quote before it skipped.
    /// </summary>
    private const string PasswordValue = @"(?:" + QuotedText + @"|[""']?(?<secret>[^\s""'`;|<>()]+))";

    /// <summary>
    /// From a command to its password option: at most 512 characters of its line. The rule runs on the text with each line
    /// break that a backslash, a caret or a backtick continues blanked (<see cref="SecretRule.JoinsContinuedLines"/>): a
    /// command an agent writes over several lines (trials BC F4, BE F8); in the pattern, such a break made the automaton
    /// four times too large.
    /// </summary>
    private const string CommandLineSpan = @"[^\r\n|;&]{0,512}";

    /// <summary>
    /// From the end of one quoted word of a printed word list to the start of the next: <c>', '</c> in Python's
    /// <c>['mysql', '--password', 'X']</c> (what <c>subprocess.CalledProcessError</c> prints: "Command '[…]' returned
    /// non-zero exit status 1"), <c>", "</c> or <c>","</c> in a JSON array written out in text (trial AZ F4).
    /// </summary>
    private const string NextQuotedWord = @"[""'],[ \t]*[""']";

    /// <summary>What comes before an option word: a blank (and the word's quote), or the end of the quoted word before it.</summary>
    private const string WordBefore = @"(?:[ \t][""']?|" + NextQuotedWord + ")";

    /// <summary>From one word to the next: blanks, or the end of one quoted word of a printed word list to the start of the next.</summary>
    private const string WordAfter = @"(?:[ \t]+|" + NextQuotedWord + ")";

    /// <summary>
    /// Another tool's password option (trials BC F4, BE F8): one of <paramref name="commands"/> (a word of its own, <c>.exe</c>
    /// or not, in any case; not a file name's extension or a word's end: <c>wget …/tool.zip -P dir</c>, trial BS L1; but
    /// PowerShell's <c>Invoke-Sqlcmd</c>: trial BV), at
    /// most 512 characters of its line (<see cref="CommandLineSpan"/>), then one of <paramref name="options"/> as a word of its own, <paramref name="separator"/>, and the password (<paramref name="value"/>:
    /// <see cref="PasswordValue"/>, or <see cref="AfterPrefix"/> for a password after a user's name in the same word).
    /// One rule per tool family: each pairs a command with its own option (<c>sqlcmd -P</c> is the password, <c>mysql -P</c>
    /// the port), and each span adds about 500 nodes to a pattern run without backtracking, whose automaton holds 10 000.
    /// </summary>
    private static string ToolPassword(string commands, string options, string separator, string value = PasswordValue)
        => @"(?:(?m:^)|[^\w.-]|(?i:Invoke)-)(?i:" + commands + @")(?i:\.exe)?(?:[ \t""']" + CommandLineSpan + ")?" + WordBefore + "(?:" + options + ")" + separator + value;

    /// <summary>
    /// A password after <paramref name="prefix"/> in the same word (<c>pass:…</c>, <c>user,…</c>, <c>user%…</c>): a quote
    /// before the prefix quotes the password too, taken whole up to it (<c>-passin "pass:My Key Pass1"</c>, <c>-U
    /// 'alice%W1nter 2024!'</c>: trial BF F3); else as <see cref="PasswordValue"/> (<c>pass:"My Key Pass1"</c>: trial BG F1).
    /// </summary>
    private static string AfterPrefix(string prefix)
        => @"(?:""" + prefix + @"(?<secret>[^""\r\n]+)""|'" + prefix + @"(?<secret>[^'\r\n]+)'|[""']?" + prefix + PasswordValue + ")";

    /// <summary>
    /// A password in the environment of a command or a container, by the variable's name in upper case, as a shell assigns
    /// it (no blank before or after the <c>=</c>; PowerShell's <c>$env:NAME = "…"</c>, in any case, may have them; a
    /// quoted word <c>"NAME=…"</c> is taken to its closing quote when it holds no blank, <c>-e "MSSQL_SA_PASSWORD=yourStrong(!)Password"</c>,
    /// or after <see cref="WholeAssignment"/>, <c>docker run -e "POSTGRES_PASSWORD=Pa ss w0rd"</c> (trial BI F1);
    /// else not: <c>sh -c "MYSQL_PWD=S3cret1 mysql …"</c> quotes a command, trial BH F1): <c>PGPASSWORD=…</c>,
    /// <c>MYSQL_PWD=…</c>, <c>REDISCLI_AUTH=…</c>, <c>SSHPASS=…</c>, <c>docker run -e MYSQL_ROOT_PASSWORD=…</c>,
    /// <c>export DB_PASSWORD=…</c>. It runs after the generic rule, which takes the long random values first (and reads
    /// JSON's escaped quotes); this one takes the short ones the generic rule keeps (<c>PGPASSWORD=S3cret</c>: trial BC F4).
    /// Code is left alone: <c>PASSWORD = getpass.getpass()</c> has blanks, and a value must end the word (a blank, a quote,
    /// <c>; &amp; | , )</c> or the end), so <c>PASSWORD=os.environ["PW"]</c> is not one (trial BF F1). A bare <c>PWD</c> is
    /// the working directory; in a sed or perl substitution, <c>s/^DB_PASSWORD=.*/DB_PASSWORD=…/</c>, each part is read up to its
    /// <c>/</c> and a pattern is kept (trials BL D1, BM H1); a value may end at a marker, where the generic rule has already
    /// replaced the substitution's next part (<c>s/DB_PASSWORD=old/DB_PASSWORD=[REDACTED:…]/</c>: trial BP H2).
    /// </summary>
    internal const string EnvironmentPasswordPattern =
        @"(?:" + WholeAssignment + @")(?:[ \t=]+(?:""" + EnvironmentPasswordNames + @"=(?<secret>[^""\r\n]+)""|'" + EnvironmentPasswordNames + @"=(?<secret>[^'\r\n]+)')|" + NextQuotedWord + EnvironmentPasswordNames + @"=(?<secret>[^""'\r\n]+)[""'])|[""']" + EnvironmentPasswordNames + @"=(?<secret>[^""'\s]+)[""']|(?:\$(?i:env):" + EnvironmentPasswordNames + @"[ \t]*=[ \t]*|\b" + EnvironmentPasswordNames + @"=)(?:" + QuotedText + @"|(?<secret>[^\s""'`;|&<>(){}\[\],]+))(?:[\s;&|,)}""'`]|\[REDACTED:|$)";

    /// <summary>
    /// What takes a whole quoted word as one assignment: <c>--env</c>, <c>env</c>, cmd's <c>set</c>, systemd's
    /// <c>Environment=</c>, and <c>-e</c> in a <c>docker</c>, <c>docker-compose</c>, <c>podman</c>, <c>nerdctl</c> or
    /// <c>tmux</c> command, its words written or printed as a list (elsewhere <c>-e</c> quotes a command or a script:
    /// <c>xterm -e "…"</c>, <c>node -e "…"</c>, <c>sed -e "…"</c>: trial BJ F1; trial BK F2, F3).
    /// </summary>
    private const string WholeAssignment = @"--env|\benv|\bset|\bEnvironment|\b(?i:docker|docker-compose|podman|nerdctl|tmux)(?i:\.exe)?(?:[ \t""']" + CommandLineSpan + ")?" + WordBefore + "-e";

    /// <summary>
    /// The names of <see cref="EnvironmentPasswordPattern"/>: ending in <c>PASSWORD</c>, <c>PASSWD</c>, <c>PASSPHRASE</c>,
    /// <c>_PWD</c> or <c>_PASS</c> (<c>RABBITMQ_DEFAULT_PASS</c>, <c>SMTP_PASS</c>: trial BL F2; the check asks more of such a
    /// name's value, as one is as often a count of passed tests or a compiler's pass); <c>SSHPASS</c>, <c>REDISCLI_AUTH</c>.
    /// </summary>
    private const string EnvironmentPasswordNames = @"(?:(?:[A-Z][A-Z0-9]*_)*[A-Z0-9]*(?:PASSWORD|PASSWD|PASSPHRASE)|(?:[A-Z][A-Z0-9]*_)+(?:PWD|PASS)|SSHPASS|REDISCLI_AUTH)";

    /// <summary>
    /// An environment variable given as a name and a value, by the name's upper case as <see cref="EnvironmentPasswordNames"/>,
    /// in either order: a Kubernetes container's <c>env</c> list in YAML (<c>- name: DB_PASSWORD</c>, then <c>value: …</c>
    /// on the next line, or <c>{name: DB_PASSWORD, value: …}</c>), an ECS task definition's <c>environment</c> in JSON text
    /// (<c>{"name": "DB_PASSWORD", "value": "…"}</c>) (trial BL F4) and CloudFormation's (<c>Name:</c>, <c>Value:</c>).
    /// </summary>
    private const string NameValuePairPattern =
        @"\b[Nn]ame:[ \t]*[""']?" + EnvironmentPasswordNames + @"[""']?[ \t]*\r?\n[ \t]*[Vv]alue:[ \t]*" + YamlValue
        + @"|\b[Vv]alue:[ \t]*" + YamlValue + @"[ \t]*\r?\n[ \t]*[Nn]ame:[ \t]*[""']?" + EnvironmentPasswordNames + @"[""']?(?:\s|$)"
        + @"|\{[ \t]*[Nn]ame:[ \t]*[""']?" + EnvironmentPasswordNames + @"[""']?[ \t]*,[ \t]*[Vv]alue:[ \t]*" + FlowValue
        + @"|\{[ \t]*[Vv]alue:[ \t]*" + FlowValue + @"[ \t]*,[ \t]*[Nn]ame:[ \t]*[""']?" + EnvironmentPasswordNames + @"[""']?[ \t]*\}"
        + @"|""[Vv]alue""[ \t]*:[ \t]*""(?<secret>[^""\r\n]+)""[ \t]*,\s*""[Nn]ame""[ \t]*:[ \t]*""" + EnvironmentPasswordNames + @""""
        + @"|""[Nn]ame""[ \t]*:[ \t]*""" + EnvironmentPasswordNames + @"""[ \t]*,\s*""[Vv]alue""[ \t]*:[ \t]*""(?<secret>[^""\r\n]+)""";

    /// <summary>
    /// A password a command takes as a plain argument rather than an option's value: PowerShell's
    /// <c>ConvertTo-SecureString [-String] "…" -AsPlainText</c> (its switches in any order), Windows' <c>net[.exe] user [/opt]
    /// NAME PASSWORD</c> (not <c>*</c>, which prompts, nor an option <c>/add</c>), <c>htpasswd -b[c] FILE USER PASSWORD</c> and
    /// <c>htpasswd -nb USER PASSWORD</c>, <c>echo "user:PASSWORD" | chpasswd</c> (<c>printf</c>, or <c>chpasswd &lt;&lt;&lt; …</c>),
    /// and <c>echo "…" | docker login … --password-stdin</c> (<c>printf</c>, a here-string <c>&lt;&lt;&lt;</c>; and the other
    /// registries' logins), the same line.
    /// </summary>
    private const string ArgumentPasswordPattern =
        @"(?i:\bConvertTo-SecureString(?:[ \t]+-String)?)[ \t]+(?:" + QuotedText + @")[^\r\n|;]{0,64}(?i:-AsPlainText)"
        + @"|(?i:\bConvertTo-SecureString(?:[ \t]+-(?:Force|String))*[ \t]+-AsPlainText(?:[ \t]+-(?:Force|String))*)[ \t]+(?:" + QuotedText + @")"
        + @"|(?:(?m:^)|[=({;])[ \t]*(?:" + QuotedText + @")[ \t]*\|[ \t]*(?i:ConvertTo-SecureString\b[^\r\n|;]{0,64}-AsPlainText)"
        + @"|(?i:\bnet(?:\.exe)?[ \t]+user)(?:[ \t]+/[A-Za-z]+(?::[^\s""']*)?)*[ \t]+(?:""[^""\r\n]+""|[^\s/""]+)[ \t]+(?:""(?<secret>[^""\r\n]+)""|(?<secret>[^\s/*""'\[<>|&;][^\s""'<>|&;]*))"
        + @"|\bhtpasswd(?:" + HtpasswdOption + @")*[ \t]+-(?:[a-mo-zA-Z]*b[a-mo-zA-Z]*[Cr]" + HtpasswdCost + @"|[a-mo-zA-Z]*b(?:[a-mo-zA-Z]*[a-mo-qs-zA-BD-Z])?)(?:" + HtpasswdOption + @")*[ \t]+[^\s-]\S*[ \t]+[^\s-]\S*[ \t]+" + PasswordValue
        + @"|\bhtpasswd(?:[ \t]+-(?:[a-zA-Z]*[Cr]" + HtpasswdCost + @"|[a-zA-Z]*[a-qs-zA-BD-Z]))*[ \t]+-(?:[a-zA-Z]*n[a-zA-Z]*b|[a-zA-Z]*b[a-zA-Z]*n)(?:[a-zA-Z]*[Cr]" + HtpasswdCost + @"|(?:[a-zA-Z]*[a-qs-zA-BD-Z])?)(?:[ \t]+-(?:[a-zA-Z]*[Cr]" + HtpasswdCost + @"|[a-zA-Z]*[a-qs-zA-BD-Z]))*[ \t]+[^\s-]\S*[ \t]+" + PasswordValue
        + @"|" + PipedText + @"[""']?[A-Za-z0-9_.-]+:(?<secret>(?:[^\s""':\\]|\\[^n\s""'])+)(?:\\n)?[""']?[ \t]*\|[ \t]*(?:sudo[ \t]+)?chpasswd\b"
        + @"|\bchpasswd[ \t]*<<<[ \t]*[""']?[A-Za-z0-9_.-]+:(?<secret>[^\s""':\[][^\s""':]*)"
        + @"|\blogin\b[^\r\n|;&]{0,256}--password-stdin\b[^\r\n|;&<]{0,256}<<<[ \t]*(?:" + QuotedText + @"|(?<secret>[^\s""'|;&]+))"
        + @"|" + PipedText + @"(?:" + QuotedText + @"|(?<secret>[^\s""'|;&]+))[ \t]*\|[ \t]*(?:sudo[ \t]+)?[^\r\n|;&]{0,256}\blogin\b[^\r\n|;&]{0,256}--password-stdin\b";

    /// <summary>
    /// What <c>echo</c> or <c>printf</c> writes into a pipe: <c>echo [-n|-e|-ne] …</c>, <c>printf [FORMAT] …</c> with a format of
    /// <c>%s</c> alone, a newline after it or not (<c>printf '%s' 'pw' | docker login …</c>: trial BS).
    /// </summary>
    private const string PipedText = @"\b(?:echo[ \t]+(?:-[ne]{1,2}[ \t]+)?|printf[ \t]+(?:(?:'%s(?:\\n)?'|""%s(?:\\n)?"")[ \t]+)?)";

    /// <summary>
    /// An option word of <c>htpasswd</c> that is not its <c>-n</c>: one that ends in <c>-C</c> (bcrypt's cost) or <c>-r</c>
    /// (SHA's rounds) takes the number after it (<c>htpasswd -b -B -C 12 FILE USER PASSWORD</c>: trial BS), so that number is
    /// never read as the file (Apache, "htpasswd").
    /// </summary>
    private const string HtpasswdOption = @"[ \t]+-(?:[a-mo-zA-Z]*[Cr]" + HtpasswdCost + @"|[a-mo-zA-Z]*[a-mo-qs-zA-BD-Z])";

    /// <summary>The number that <c>htpasswd</c>'s <c>-C</c> or <c>-r</c> takes.</summary>
    private const string HtpasswdCost = @"[ \t]+[0-9]+";

    /// <summary>
    /// A password option and its value as two items of a YAML list, a container's <c>args</c> or <c>command</c>
    /// (<c>- --admin-password</c>, then <c>- …</c> on the next line: trial BU).
    /// </summary>
    private const string YamlListPasswordPattern =
        @"(?m)^[ \t]*-[ \t]+[""']?--(?:[A-Za-z0-9]+-)*(?:password|passphrase)[""']?[ \t]*\r?\n[ \t]*-[ \t]+" + PasswordValue;

    /// <summary>
    /// PowerShell's one-dash <c>-Password '…'</c> (<c>Invoke-Sqlcmd</c>, <c>Connect-VIServer</c>; <c>--password</c> is
    /// <see cref="CliPasswordPattern"/>'s) (trial BT), quoted: the word after an unquoted one is as often prose's ("Use the
    /// -Password parameter", "-password requires an argument": trial BV).
    /// </summary>
    private const string PowerShellPasswordPattern = WordBefore + @"-(?i:password|passwd|PlainPassword)(?:[ \t]+|:)(?:" + QuotedText + @")";

    /// <summary>
    /// <c>openssl passwd [-1|-5|-6|-apr1|…] [-salt S] [--] PASSWORD</c> and <c>openssl passwd -stdin &lt;&lt;&lt; PASSWORD</c>
    /// (openssl-passwd(1); trial BT): quoted, or a word holding a digit or a symbol (not prose's "openssl passwd generates
    /// …": trial BV).
    /// </summary>
    private const string OpensslPasswdPattern =
        @"\bopenssl[ \t]+passwd(?:[ \t]+-(?:1|5|6|apr1|aixmd5|crypt|noverify|quiet|table|reverse)|[ \t]+-(?:salt|rand|writerand)[ \t]+[^\s-]\S*)*(?:[ \t]+--)?[ \t]+" + MarkedWord
        + @"|\bopenssl[ \t]+passwd\b[^\r\n|;&<]{0,128}-stdin\b[^\r\n|;&<]{0,128}<<<[ \t]*" + MarkedWord;

    /// <summary>
    /// A plain argument that is a password by its place but may be prose's word: quoted whole, or a word not starting with
    /// <c>-</c> that holds a digit or a symbol.
    /// </summary>
    private const string MarkedWord = @"(?:" + QuotedText + @"|(?<secret>[^\s""'`;|<>()-][^\s""'`;|<>()]*[0-9!@#$%^&*+=?~][^\s""'`;|<>()]*|[0-9!@#$%^&*+=?~][^\s""'`;|<>()]*))";

    /// <summary>
    /// <c>echo -n 'user:PASSWORD' | base64</c> (or <c>| openssl base64</c>, <c>base64 &lt;&lt;&lt; 'user:PASSWORD'</c>): a Basic
    /// authorization's credentials being encoded (trial BT); the user's name starts with a letter and the password neither
    /// with a digit nor a path's <c>/</c> or <c>\</c> (<c>localhost:5432</c>, <c>12:30:45</c>, <c>C:\Users</c>,
    /// <c>sha256:3f4a…</c>: trial BV).
    /// </summary>
    private const string Base64CredentialsPattern =
        PipedText + @"[""']?" + CredentialsUser + @":(?<secret>" + CredentialsPassword + @")[""']?[ \t]*\|[ \t]*(?:openssl[ \t]+)?base64\b"
        + @"|\bbase64[ \t]*<<<[ \t]*[""']?" + CredentialsUser + @":(?<secret>" + CredentialsPassword + ")";

    /// <summary>The user's name of <see cref="Base64CredentialsPattern"/>.</summary>
    private const string CredentialsUser = @"[A-Za-z][A-Za-z0-9_.@-]*";

    /// <summary>The password of <see cref="Base64CredentialsPattern"/>.</summary>
    private const string CredentialsPassword = @"[^\s""':\[0-9/\\][^\s""']*";

    /// <summary>
    /// Windows tools that take a password as a switch's value or a plain argument (trial BT): <c>cmdkey … /pass:PASSWORD</c>
    /// (a switch in any case), <c>net use [X:] \\server\share PASSWORD</c> (a word holding a digit or a symbol, not a share's
    /// name after a blank or prose's next word: trial BV) or <c>… /user:NAME PASSWORD</c> (not <c>*</c>, which prompts),
    /// <c>schtasks … /ru NAME … /rp PASSWORD</c> (or <c>/u</c> … <c>/p</c>; not a <c>/p</c> inside the task's quoted
    /// command: trial BV).
    /// </summary>
    private const string CmdkeyPasswordPattern = @"(?i:\bcmdkey\b)[^\r\n|&]{0,128}[ \t](?i:/pass:)" + PasswordValue;

    /// <summary>See <see cref="CmdkeyPasswordPattern"/>.</summary>
    private const string NetUsePasswordPattern =
        @"(?i:\bnet(?:\.exe)?[ \t]+use)(?:[ \t]+(?:[A-Za-z]:|\*))?[ \t]+\\\\[^\s]+[ \t]+" + MarkedWord
        + @"|(?i:\bnet(?:\.exe)?[ \t]+use\b)[^\r\n|&]{0,256}[ \t](?i:/user:)[^\s]+[ \t]+(?:""(?<secret>[^""\r\n]+)""|(?<secret>[^\s/*""'\[<>|&;][^\s""'<>|&;]*))";

    /// <summary>See <see cref="CmdkeyPasswordPattern"/>.</summary>
    private const string SchtasksPasswordPattern = @"(?i:\bschtasks\b)" + SchtasksSpan + @"[ \t](?i:/r?u)[ \t]+\S+" + SchtasksSpan + @"[ \t](?i:/r?p)[ \t]+" + PasswordValue;

    /// <summary><see cref="SchtasksPasswordPattern"/> with the password before the user's name (<c>/rp … /ru NAME</c>: trial BW).</summary>
    private const string SchtasksPasswordFirstPattern = @"(?i:\bschtasks\b)" + SchtasksSpan + @"[ \t](?i:/r?p)[ \t]+" + PasswordValue + SchtasksSpan + @"[ \t](?i:/r?u)[ \t]";

    /// <summary>A stretch of a <c>schtasks</c> line, its quoted words (<c>/tn "Nightly Backup"</c>, <c>/tr "…"</c>) whole.</summary>
    private const string SchtasksSpan = @"(?:[^\r\n|&""]|""[^""\r\n]*""){0,160}";

    /// <summary>
    /// <c>dotnet user-secrets set [--project P] KEY VALUE</c> for a key that names a secret (a password, a secret, a token,
    /// a credential, a connection string, or ending in a part <c>Pass</c>, <c>Pwd</c>, <c>Key</c>, <c>PAT</c>; not
    /// <c>Kestrel:Port</c>, <c>Logging:LogLevel:Default</c>: trial BV; nor <c>Compass</c>, <c>Proxy:BypassList</c>: trial BX) and
    /// <c>ansible-vault encrypt_string [options] 'PASSWORD'</c> (trials BT, BV).
    /// </summary>
    private const string SecretStorePattern =
        @"\buser-secrets[ \t]+set(?:[ \t]+(?:--project|-p|--id|-c|--configuration)[ \t]+[^\s""'-]\S*)*[ \t]+[""']?[^\s""'-](?:[^\s""']*(?i:password|passwd|passphrase|secret|token|credential|connectionstring)[^\s""']*|[^\s""']*(?:[:_.](?i:pass|pwd|key|pat)|[a-z](?:Pass|Pwd|Key)))[""']?[ \t]+" + PasswordValue
        + @"|\bansible-vault[ \t]+encrypt_string(?:[ \t]+(?:-n|--(?:name|stdin-name|vault-id|vault-password-file|vault-pass-file|encrypt-vault-id|output))(?:[ \t]+|=)(?:""[^""\r\n]*""|'[^'\r\n]*'|[^\s""']\S*)|[ \t]+(?:--ask-vault-pass(?:word)?|-J|-p|--prompt|--show-input|--stdin|-v+|--verbose|--flush-cache))*[ \t]+(?:" + QuotedText + @")"
        + @"|\bansible-vault[ \t]+encrypt_string[ \t]+(?<secret>[^\s""'|<>;&-][^\s""'|<>;&]*)";

    /// <summary>
    /// A password variable's name and its value given to a call in code (trial BT): PHP's <c>define('DB_PASSWORD', '…')</c>
    /// (WordPress' <c>wp-config.php</c>), .NET's <c>Environment.SetEnvironmentVariable("DB_PASSWORD", "…")</c>, Go's
    /// <c>os.Setenv</c>, C's <c>setenv</c>, Python's <c>os.environ.setdefault</c>, Java's <c>System.setProperty</c>, a map's
    /// <c>set</c> or <c>put</c>; or assigned to an environment's entry, Python's <c>os.environ['DB_PASSWORD'] = '…'</c>,
    /// Ruby's <c>ENV['DB_PASSWORD'] = '…'</c> (trial BV). The check keeps a key an interface names (<c>INVALID_PASSWORD</c>).
    /// </summary>
    private const string CalledPasswordPattern =
        @"\b(?:define|SetEnvironmentVariable|Setenv|setenv|setdefault|setProperty|set|put)[ \t]*\([ \t]*(?:""" + EnvironmentPasswordNames + @"""|'" + EnvironmentPasswordNames + @"')[ \t]*,[ \t]*(?:" + QuotedText + @")"
        + @"|\b(?:environ|ENV)\[[ \t]*(?:""" + EnvironmentPasswordNames + @"""|'" + EnvironmentPasswordNames + @"')[ \t]*\][ \t]*=[ \t]*(?:" + QuotedText + @")";

    /// <summary>
    /// A lower-case, camel-case or capitalized password key in YAML, a form's text, a JSON object's line or a properties,
    /// INI or TOML file, on a line of its own (<c>password: hunter2024</c>, a <c>database.yml</c>'s; <c>db_password: "…"</c>;
    /// <c>Password: …</c> under <c>Username: admin</c>; <c>"adminPassword": "…",</c>, an ARM template's parameters file;
    /// <c>spring.datasource.password=…</c>, my.cnf's <c>password = …</c>, TOML's <c>password = "…"</c>) whose value the
    /// generic rule keeps for not looking random (trials BT, BV): see <see cref="LowerCaseKeyValue"/>; the check keeps a
    /// key an interface names (<c>hash_password: argon2id</c>) and a hash's name (<c>sha256</c>).
    /// </summary>
    internal const string LowerCaseYamlPasswordPattern =
        @"(?m)^[ \t]*(?:-[ \t]+)?[""']?" + PasswordKeyName + @"[""']?(?::[ \t]+|[ \t]*=[ \t]*)(?:""(?<secret>" + LowerCaseKeyValue + @")""[ \t]*,?|'(?<secret>" + LowerCaseKeyValue + @")'[ \t]*,?|(?<secret>" + LowerCaseKeyValue + @"))[ \t]*(?:#[^\r\n]*)?\r?$";

    /// <summary>
    /// A lower-case or camel-case quoted password key and its quoted value inside a JSON object's text, another pair or a
    /// brace before it or after it (a curl response's or a log line's <c>{"user":"root","password":"welcome123"}</c>: trial
    /// BZ); the value judged as <see cref="LowerCaseYamlPasswordPattern"/>'s.
    /// </summary>
    private const string JsonPasswordPairPattern =
        @"[""']" + PasswordKeyName + @"[""'][ \t]*:[ \t]*(?:""(?<secret>" + LowerCaseKeyValue + @")""|'(?<secret>" + LowerCaseKeyValue + @")')[ \t]*[,}]";

    /// <summary>
    /// A lower-case, camel-case or dotted key ending in a password's word (<c>password</c>, <c>db_password</c>,
    /// <c>spring.datasource.password</c>, <c>adminPassword</c>, <c>Passphrase</c>).
    /// </summary>
    private const string PasswordKeyName = @"(?:[a-z][a-z0-9]*[_.-])*(?:[a-z][a-z0-9]*)?(?:[Pp]assword|[Pp]asswd|[Pp]assphrase)";

    /// <summary>The literals of the rules that start at a quoted <see cref="PasswordKeyName"/>: its end and closing quote.</summary>
    private static readonly string[] QuotedPasswordKeyLiterals = ["password\"", "passwd\"", "passphrase\"", "password'", "passwd'", "passphrase'"];

    /// <summary>
    /// An ARM template's parameter in text (a parameters file an agent printed or edited): a quoted password key whose
    /// object's <c>value</c> is the password, over lines (<c>"adminPassword": {</c>, then <c>"value": "…"</c>: trial BZ).
    /// </summary>
    private const string ArmParameterPasswordPattern =
        @"[""']" + PasswordKeyName + @"[""'][ \t]*:[ \t]*\{\s*[""']value[""'][ \t]*:[ \t]*(?:" + QuotedText + ")";

    /// <summary>
    /// A value of <see cref="LowerCaseYamlPasswordPattern"/>: a person's password, of letters, digits and the symbols
    /// <c>! @ # $ % ^ &amp; * + = ? ~</c>, starting with a letter and holding a digit (<c>hunter2024</c>, <c>P@ssw0rd1</c>; the
    /// check asks 8 characters or more and a lower-case letter: not <c>HS256</c>, <c>E1001</c>, <c>Step1</c>, nor a YAML
    /// anchor's <c>&amp;default</c> or alias' <c>*adminPassword</c>: trial BW); not a duration (<c>168h</c>), a version (<c>v1.2.3</c>), a name with <c>. - _ /</c>
    /// (<c>scram-sha-256</c>, <c>reset_v2.html</c>) or a pattern (<c>\d{8}</c>: trial BV).
    /// </summary>
    private const string LowerCaseKeyValue = @"[A-Za-z][A-Za-z!@#$%^&*+=?~]*[0-9][A-Za-z0-9!@#$%^&*+=?~]*";

    /// <summary>A Dockerfile's <c>ENV NAME value</c> (its legacy form, one variable, no <c>=</c>) for a password variable's name.</summary>
    private const string DockerfileEnvPattern = @"(?m)^[ \t]*ENV[ \t]+" + EnvironmentPasswordNames + @"[ \t]+(?:" + QuotedText + @"|(?<secret>[^\s""'=](?:[^\s""']|[ \t]+[^\s""'])*))[ \t]*\r?$";

    /// <summary>
    /// A YAML block value: quoted whole, or a plain scalar to the end of its line or a comment (<c>value: S3cret Pw99</c> is
    /// one value: trial BS; YAML 1.2, 7.3.3 "Plain Style", a comment begins at a blank and <c>#</c>).
    /// </summary>
    private const string YamlValue = @"(?:" + QuotedText + @"|(?<secret>[^\s""'#](?:[^\s]|[ \t]+[^\s#])*))";

    /// <summary>A YAML flow mapping's value: quoted whole, or a plain scalar up to a blank, <c>,</c> or <c>}</c>.</summary>
    private const string FlowValue = @"(?:" + QuotedText + @"|(?<secret>[^\s""'#,}]+))";

    /// <summary>
    /// A password variable as a YAML mapping's key (docker compose's <c>environment:</c> map, <c>DB_PASSWORD: …</c>), its
    /// name ending in <c>PASSWORD</c>, <c>PASSWD</c>, <c>PASSPHRASE</c> or <c>_PWD</c> (not <c>_PASS</c>: <c>TOTAL_PASS: 1532</c>), the
    /// value the rest of its line (a comment after it aside) and without a blank: a message keyed so is a locale file's text
    /// (<c>INVALID_PASSWORD: "Password must be at least 8 characters"</c>: trials BQ, BR); not a quoted key or a line
    /// ending in a comma, an object's in code or JSON (<c>NEW_PASSWORD: z.string().min(8),</c>: trial BS; a quoted value with
    /// a letter and a digit there is as often a version, a code or an algorithm: trial BU). The check keeps what a key
    /// names about a password in an interface or a policy (<c>WEAK_PASSWORD: E1001</c>: trial BT).
    /// </summary>
    private const string YamlPasswordKeyPattern =
        @"(?m)^[ \t]*(?:-[ \t]+)?" + YamlPasswordKey + @":[ \t]+(?:""(?<secret>" + YamlKeyValue + @")""|'(?<secret>" + YamlKeyValue + @")'|(?<secret>" + YamlKeyValue + @"|[0-9]{6,}))[ \t]*(?:#[^\r\n]*)?\r?$";

    /// <summary>A password variable's name as <see cref="YamlPasswordKeyPattern"/> reads it (not <c>_PASS</c>).</summary>
    private const string YamlPasswordKey = @"(?:(?:[A-Z][A-Z0-9]*_)*[A-Z0-9]*(?:PASSWORD|PASSWD|PASSPHRASE)|(?:[A-Z][A-Z0-9]*_)+PWD)";

    /// <summary>
    /// A value <see cref="YamlPasswordKeyPattern"/> takes: ASCII without blanks, quotes, <c>#</c> or <c>,</c>, holding a letter
    /// (not a code's <c>1001</c>, a locale's <c>Contraseña</c>: trial BS; a call's <c>z.string().min(8)</c> is the check's),
    /// or six digits or more (trial BT).
    /// </summary>
    private const string YamlKeyValue = @"[!$%&()*+\-./0-9:;<=>?@A-Z\[\\\]^_`a-z{|}~]*[A-Za-z][!$%&()*+\-./0-9:;<=>?@A-Z\[\\\]^_`a-z{|}~]*";

    /// <summary>
    /// A password SQL sets: PostgreSQL's <c>CREATE|ALTER USER|ROLE … [WITH] [ENCRYPTED] PASSWORD '…'</c> (CREATE ROLE),
    /// SQL Server's <c>CREATE|ALTER LOGIN … WITH PASSWORD = '…'</c>, MySQL's <c>CREATE|ALTER USER … IDENTIFIED [WITH plugin]
    /// BY '…'</c> (and <c>GRANT … IDENTIFIED BY</c>) and <c>SET PASSWORD … = '…'</c>, Oracle's <c>IDENTIFIED BY …</c>
    /// unquoted; each within its statement (no <c>;</c> before it; over several lines too), so prose's "identified by" is
    /// not one; what code builds the statement from is kept by the check (<c>'{pw}'</c>, <c>'%s'</c>, <c>'" + pw + "'</c>).
    /// </summary>
    private const string SqlPasswordPattern =
        @"(?i)\b(?:(?:CREATE|ALTER)(?:[ \t]+OR[ \t]+REPLACE)?[ \t]+(?:USER|ROLE|LOGIN)\b[^;'(),]{0,256}\b(?:OLD_)?PASSWORD(?:[ \t]+|[ \t]*=[ \t]*)|SET[ \t]+PASSWORD\b[^;=\r\n]{0,256}=[ \t]*(?:PASSWORD[ \t]*\([ \t]*)?)" + SqlString
        + @"|(?i)" + SqlIdentifiedBy + @"(?:" + SqlString + @"|""(?<secret>[^""\r\n]+)"")";

    /// <summary>
    /// What a statement sets beside its first password (trial BU): SQL Server's <c>ALTER LOGIN … PASSWORD = '…' OLD_PASSWORD =
    /// '…'</c> and MariaDB's <c>CREATE|ALTER USER … IDENTIFIED VIA plugin USING PASSWORD('…')</c>. A rule of its own: both
    /// statements' matches start where <see cref="SqlPasswordPattern"/>'s does, and one pattern's search goes on after its
    /// match, so in one alternation the first password's match hides the second.
    /// </summary>
    private const string SqlSecondPasswordPattern =
        @"(?i)\b(?:ALTER[ \t]+LOGIN\b[^;]{0,256}\bOLD_PASSWORD[ \t]*=[ \t]*|(?:CREATE|ALTER)(?:[ \t]+OR[ \t]+REPLACE)?[ \t]+USER\b[^;]{0,256}\bUSING[ \t]+PASSWORD[ \t]*\([ \t]*)" + SqlString;

    /// <summary>
    /// Oracle's unquoted <c>CREATE|ALTER USER|ROLE name IDENTIFIED BY password</c>, the name right before (prose's "create
    /// accounts identified by UUIDv4" is not one: trial BR), and so <c>CREATE DATABASE LINK … CONNECT TO name</c>, <c>SET ROLE
    /// name</c> and an upper-case <c>GRANT … TO name</c> (trial BT); a word of letters alone is a keyword (<c>BY RANDOM PASSWORD</c>).
    /// </summary>
    private const string SqlUnquotedPasswordPattern =
        @"(?i)\b(?:(?:(?:CREATE|ALTER)[ \t]+(?:USER|ROLE)|CONNECT[ \t]+TO|SET[ \t]+ROLE)[ \t]+[^\s;]+|(?-i:GRANT[ \t]+[A-Z][A-Z_]*)\b[^;\r\n]{0,256}\bTO[ \t]+[^\s;]+)[ \t]+IDENTIFIED[ \t]+BY[ \t]+(?<secret>[A-Za-z0-9][^\s;'""]*)";

    /// <summary>
    /// <c>CREATE [OR REPLACE]|ALTER USER|ROLE … IDENTIFIED [WITH plugin] BY [PASSWORD]</c> or <c>GRANT …</c>, within the
    /// statement and without a call's parentheses (prose's "create a service account identified by", code's
    /// createUser('bob') are not one: trial BS), but an upper-case <c>GRANT</c>'s column list (<c>GRANT SELECT (id) ON …</c>);
    /// <c>CONNECT TO name</c> (a database link) and <c>SET ROLE name</c> right before it (trial BT).
    /// </summary>
    private const string SqlIdentifiedBy = @"\b(?:(?:(?:CREATE|ALTER)(?:[ \t]+OR[ \t]+REPLACE)?[ \t]+(?:USER|ROLE)\b|GRANT\b)[^;()]{0,256}|(?-i:GRANT[ \t]+[A-Z][A-Z_]*)\b[^;\r\n]{0,256}|(?:CONNECT[ \t]+TO|SET[ \t]+ROLE)[ \t]+[^\s;()]+[ \t]+)\bIDENTIFIED[ \t]+(?:WITH[ \t]+[a-z0-9_]+[ \t]+)?BY[ \t]+(?:PASSWORD[ \t]+)?";

    /// <summary>
    /// A SQL string literal: <c>'…'</c> (a quote in it doubled, <c>''</c>), SQL Server's <c>N'…'</c>, PostgreSQL's <c>E'…'</c> and
    /// <c>$$…$$</c> or <c>$tag$…$tag$</c> on one line (PostgreSQL, 4.1.2.2 and 4.1.2.4; trials BS, BU); MySQL's <c>"…"</c> only
    /// after <c>IDENTIFIED BY</c> (after <c>PASSWORD</c> a double quote is code's or markup's: <c>type="password" name="…"</c>,
    /// a test named "create user with wrong password": trial BR).
    /// </summary>
    private const string SqlString = @"(?:N?'(?<secret>(?:[^'\r\n]|'')+)'|E'(?<secret>(?:[^'\\\r\n]|''|\\[^\r\n])+)'|\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$(?<secret>[^$\r\n]+)\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$)";

    /// <summary>
    /// The password of a libpq connection string of <c>keyword=value</c> pairs separated by blanks (<c>host=db user=app
    /// password=… dbname=prod</c>: PostgreSQL, "Connection Strings", 32.1.1.1), known by another keyword of it on the
    /// same line before or after (trial BL F3); a value quoted in single quotes whole, blanks around <c>=</c> as libpq
    /// allows them (<c>password = …</c>), the other values quoted or not (psycopg2's <c>dbname='app' user='app' …</c>).
    /// </summary>
    private const string ConnectionKeywordsPattern =
        @"\b" + LibpqKeyword + @"(?:[ \t]+" + LibpqPair + @")*[ \t]+" + LibpqPassword
        + @"|\b" + LibpqPassword + @"(?:[ \t]+" + LibpqPair + @")*[ \t]+" + LibpqKeyword;

    /// <summary>
    /// A libpq <c>keyword = value</c> pair (blanks around <c>=</c> allowed; the value quoted in single quotes or a word, see
    /// <see cref="LibpqValue"/>).
    /// </summary>
    private const string LibpqPair = @"[a-z_]+" + LibpqValue;

    /// <summary>One of the libpq keywords that tell a connection string: <c>host</c>, <c>hostaddr</c>, <c>dbname</c>, <c>user</c>, <c>port</c>, <c>sslmode</c>.</summary>
    private const string LibpqKeyword = @"(?:host|hostaddr|dbname|user|port|sslmode)" + LibpqValue;

    /// <summary>
    /// A libpq pair's <c>=</c> and value: quoted in single quotes whole; else a word whose <c>, ( )</c> stand between other
    /// characters (<c>password=S3cr3t,Pw99</c>, <c>Xk9p(Q2z)Lm4</c>: trial BT), and none at all when <c>=</c> has a blank
    /// beside it, as a call's keyword arguments have (<c>connect(host = cfg.host, password = cfg.password)</c>: trial BS).
    /// </summary>
    private const string LibpqValue = @"(?:=(?:'[^'\r\n]*'|[^\s'"",()]+(?:[,()]+[^\s'"",()]+)*)|(?:[ \t]+=[ \t]*|=[ \t]+)(?:'[^'\r\n]*'|[^\s'"",()]+))";

    /// <summary>libpq's <c>password</c> pair: a value quoted in single quotes taken whole, a word as <see cref="LibpqValue"/>.</summary>
    private const string LibpqPassword = @"password(?:=(?:'(?<secret>[^'\r\n]+)'|(?<secret>[^\s'"",()]+(?:[,()]+[^\s'"",()]+)*))|(?:[ \t]+=[ \t]*|=[ \t]+)(?:'(?<secret>[^'\r\n]+)'|(?<secret>[^\s'"",()]+)))";

    /// <summary>The built-in rules, in the order they run; a new array each call.</summary>
    public static SecretRule[] Create()
    {
        SecretRule[] rules = Rules();
        foreach (SecretRule rule in rules)
        {
            rule.AsciiWordBoundaries = true;
            rule.JoinsContinuedLines = rule.Kind == CliPassword;
        }

        return rules;
    }

    /// <summary>
    /// Where a token with a prefix no word starts with begins: at a word boundary, or after a <c>_</c> that glues it to a
    /// name (<c>sess_ghp_…</c>, <c>KEY_AKIA…</c>, <c>GOOGLE_AIza…</c>: trial AV F8 kept the token, as <c>_</c> is a word
    /// character). Every token rule starts so. The secret group leaves the <c>_</c> out.
    /// </summary>
    private const string TokenStart = @"(?:\b|_)";

    /// <summary>
    /// Where a GitHub token ends: at a word boundary, or before a <c>_</c> that glues a name after it (<c>ghp_…_backup</c>),
    /// as <see cref="TokenStart"/> before it; its check (random, mixed) keeps a constant's name. Not an AWS key id's end:
    /// upper-case names such as <c>ASIAPACIFICSINGAPORE_HOST</c> have its shape (trial AZ F3). The secret group leaves the
    /// <c>_</c> out. (A pattern run without backtracking has no lookahead, so the <c>_</c> is matched.)
    /// </summary>
    private const string TokenEnd = @"(?:\b|_)";

    /// <summary>A built-in rule, its pattern compiled on first use (see <see cref="SecretRule"/>'s internal constructor).</summary>
    private static SecretRule Rule(string kind, string pattern, SecretCheck check, IReadOnlyList<string> literals, StringComparison literalComparison = StringComparison.Ordinal)
        => new(kind, pattern, check, literals, literalComparison, deferCompile: true);

    private static SecretRule[] Rules() =>
    [
        Rule(PrivateKey, @"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s,:\\]|-[A-Za-z0-9])*(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----)?", SecretCheck.Format, ["PRIVATE KEY"]),
        Rule(Jwt, TokenStart + @"(?<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*)", SecretCheck.Format, ["eyJ"]),
        Rule(AwsAccessKeyId, TokenStart + @"(?<secret>(?:AKIA|ASIA)[A-Z2-7]{16})\b", SecretCheck.PrefixedToken, ["AKIA", "ASIA"]),
        Rule(AwsSecretAccessKey, "(?i)" + AwsSecretNames + Assignment + @"(?<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)", SecretCheck.Random, ["secret"], StringComparison.OrdinalIgnoreCase),
        // Without a name: 40 base64 characters with both cases within 80 characters of an access key id (redacted just
        // before), either side, as a prompt or a note writes the pair ("key AKIA… and secret wJalr…": trial AP 1).
        Rule(AwsSecretAccessKey, AwsKeyIdMarker + @"[\s\S]{0,80}[^A-Za-z0-9/+](?<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)|(?:^|[^A-Za-z0-9/+])(?<secret>[A-Za-z0-9/+]{40})[^A-Za-z0-9/+=][\s\S]{0,80}" + AwsKeyIdMarker,
            SecretCheck.RandomBothCases, ["[REDACTED:aws-access-key-id]"]),
        Rule(GitHubToken, TokenStart + @"(?<secret>gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255})" + TokenEnd, SecretCheck.RandomMixed, ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]),
        Rule(GitLabToken, TokenStart + @"(?<secret>glpat-[A-Za-z0-9_-]{20,})", SecretCheck.RandomMixed, ["glpat-"]),
        // A webhook URL is a credential of its own (whoever has it may post): its path after /services/ (or /workflows/,
        // /triggers/) is replaced, the host kept (trial AP 2).
        Rule(SlackToken, TokenStart + @"(?<secret>xox[abprs]-[A-Za-z0-9-]{10,})|\bhooks\.slack\.com/(?:services|workflows|triggers)/(?<secret>[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)+)", SecretCheck.RandomMixed, ["xox", "hooks.slack.com/"]),
        Rule(StripeKey, TokenStart + @"(?<secret>[rs]k_live_[A-Za-z0-9]{20,})", SecretCheck.RandomMixed, ["_live_"]),
        Rule(AnthropicApiKey, TokenStart + @"(?<secret>sk-ant-[A-Za-z0-9_-]{32,})", SecretCheck.RandomMixed, ["sk-ant-"]),
        Rule(OpenAiApiKey, TokenStart + @"(?<secret>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,})", SecretCheck.RandomMixed, ["sk-"]),
        Rule(GoogleApiKey, TokenStart + @"(?<secret>AIza[0-9A-Za-z_-]{35})", SecretCheck.Random, ["AIza"]),
        Rule(SendGridApiKey, TokenStart + @"(?<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$)", SecretCheck.RandomMixed, ["SG."]),
        // An '@' left unencoded in the password (trial AL 4: https://user:p@ssw0rd@host) is part of it, as URL parsers
        // read the authority to its last '@' (WHATWG URL, "authority state"); but a part after the first '@' that holds
        // ',', ';' or '=' is the host and what follows it (trial AN 1: postgres://app:pw@db,owner=admin@corp.com kept
        // the host "db"), as does one holding a character outside ASCII (U+0001 in the copy the rule reads), and the
        // password never runs past a space.
        Rule(UrlPassword, @"(?i)\b[a-z][a-z0-9+.-]*://[^\s:@/?#""'<>\[\]]*:(?<secret>[^\s@/?#""'<>]+(?:@[^\s@/?#""'<>,;=\x01]+)*)@", SecretCheck.Format, ["://"]),
        // A URL's query parameter (JDBC's ?user=app&password=…: trial BL F3), also a name ending in password or passwd
        // (?db_password=…: trial BO; not pwd, as often the working directory: ?pwd=workspace-42, trial BQ), before the
        // connection-string rule, which would take the parameters after it with it when a ';' follows; not after a ';', a
        // connection string's (trial BN M1).
        Rule(UrlPassword, @"[?&](?i:[a-z0-9_.-]*passw(?:or)?d)=(?<secret>[^&;\s#""'<>]+)", SecretCheck.KeyedPassword, ["password=", "passwd="], StringComparison.OrdinalIgnoreCase),
        Rule(ConnectionStringPassword, @"(?i)\b(?:password|pwd)\s*=\s*(?<secret>[^;\r\n""'()]+)", SecretCheck.ConnectionString, ["password", "pwd"], StringComparison.OrdinalIgnoreCase),
        Rule(AuthorizationHeader, @"(?i)\bauthorization[""']?[ \t]*[:=][ \t]*[""']?(?:bearer|basic|token)[ \t]+(?<secret>[A-Za-z0-9._~+/=-]{8,})", SecretCheck.RandomMixed, ["authorization"], StringComparison.OrdinalIgnoreCase),
        Rule(NetrcPassword, @"\bmachine\s+[^\s]+\s+login\s+[^\s]+\s+password\s+(?<secret>[^\s""'`]+)", SecretCheck.Format, ["machine"]),
        Rule(SqlPassword, SqlPasswordPattern, SecretCheck.QuotedPassword, ["password", "identified"], StringComparison.OrdinalIgnoreCase),
        Rule(SqlPassword, SqlSecondPasswordPattern, SecretCheck.QuotedPassword, ["OLD_PASSWORD", "USING"], StringComparison.OrdinalIgnoreCase),
        Rule(SqlPassword, SqlUnquotedPasswordPattern, SecretCheck.KeyedPassword, ["identified"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, CliPasswordPattern, SecretCheck.CommandLinePassword, ["-password", "-passphrase", "docker", "mysql", "mariadb", "sshpass"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, ToolPassword("curl", "-[a-zA-Z]*u|--user|-U|--proxy-user", @"(?:[ \t]+|=|" + NextQuotedWord + ")?", AfterPrefix(@"[^\s""'`;|<>():]+:")), SecretCheck.CommandLinePassword, ["curl"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, ToolPassword("redis-cli|valkey-cli", "-a|--pass", WordAfter), SecretCheck.CommandLinePassword, ["redis-cli", "valkey-cli"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, ToolPassword("sqlcmd|bcp|osql", "-P", @"(?:[ \t]*|" + NextQuotedWord + ")"), SecretCheck.CommandLinePassword, ["sqlcmd", "bcp", "osql"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, ToolPassword("mongo(?:sh|dump|restore|export|import|stat|top|files)", "-p", WordAfter), SecretCheck.CommandLinePassword, ["mongo"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, ToolPassword("ldap(?:search|add|modify|delete|whoami|passwd|compare|modrdn|exop|url)", "-w", @"(?:[ \t]*|" + NextQuotedWord + ")"), SecretCheck.CommandLinePassword, ["ldap"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, ToolPassword("(?:podman|buildah|skopeo|nerdctl|oras|az)" + WordAfter + "login|helm" + WordAfter + "registry" + WordAfter + "login|crane" + WordAfter + "auth" + WordAfter + "login", "-p", WordAfter), SecretCheck.CommandLinePassword, ["login"], StringComparison.OrdinalIgnoreCase),
        // lftp -u user,password; smbclient -U user%password (DOMAIN\user%password too).
        Rule(CliPassword, ToolPassword("lftp", "-u|--user", @"(?:[ \t]*|=|" + NextQuotedWord + ")", AfterPrefix(@"[^\s,""']+,")), SecretCheck.CommandLinePassword, ["lftp"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, ToolPassword("smbclient|rpcclient|smbget|smbmap", "-U|--user", @"(?:[ \t]*|=|" + NextQuotedWord + ")", AfterPrefix(@"[^\s%""']+%")), SecretCheck.CommandLinePassword, ["smbclient", "rpcclient", "smbget", "smbmap"], StringComparison.OrdinalIgnoreCase),
        // OpenSSL's pass phrase arguments (-passin pass:…, -passout, -pass, -password: openssl-passphrase-options(1)) and
        // keytool's or jarsigner's (-storepass …, -keypass, -srcstorepass, -deststorepass, -srckeypass, -destkeypass).
        Rule(CliPassword, WordBefore + "-pass(?:in|out|word)?" + WordAfter + AfterPrefix("pass:"), SecretCheck.CommandLinePassword, ["pass:"]),
        Rule(CliPassword, ToolPassword(@"openssl[ \t]+(?:enc|aes|des|bf|camellia|chacha|rc4|cast|sm4|aria)[a-z0-9-]*", "-k", WordAfter), SecretCheck.CommandLinePassword, ["openssl"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, ArgumentPasswordPattern, SecretCheck.CommandLinePassword, ["ConvertTo-SecureString", "net user", "net.exe user", "htpasswd", "chpasswd", "password-stdin"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, YamlListPasswordPattern, SecretCheck.CommandLinePassword, ["-password", "-passphrase"]),
        Rule(CliPassword, PowerShellPasswordPattern, SecretCheck.CommandLinePassword, ["-password", "-passwd", "-PlainPassword"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, OpensslPasswdPattern, SecretCheck.CommandLinePassword, ["openssl"]),
        Rule(CliPassword, Base64CredentialsPattern, SecretCheck.CommandLinePassword, ["base64"]),
        Rule(CliPassword, CmdkeyPasswordPattern, SecretCheck.CommandLinePassword, ["cmdkey"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, NetUsePasswordPattern, SecretCheck.CommandLinePassword, ["net use", "net.exe use"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, SchtasksPasswordPattern, SecretCheck.CommandLinePassword, ["schtasks"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, SchtasksPasswordFirstPattern, SecretCheck.CommandLinePassword, ["schtasks"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, SecretStorePattern, SecretCheck.CommandLinePassword, ["user-secrets", "encrypt_string"]),
        Rule(CliPassword, WordBefore + "-(?:src|dest)?(?:store|key)pass" + WordAfter + PasswordValue, SecretCheck.CommandLinePassword, ["storepass", "keypass"]),
        Rule(CliPassword, ToolPassword("zip|unzip|zipcloak", "-[a-zA-Z0-9]*P", @"(?:[ \t]*|" + NextQuotedWord + ")"), SecretCheck.CommandLinePassword, ["zip"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, ToolPassword("7z|7za|7zr|7zz", "-p", ""), SecretCheck.CommandLinePassword, ["7z"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, ToolPassword("ssh-keygen", "-N|-P", @"(?:[ \t]*|" + NextQuotedWord + ")"), SecretCheck.CommandLinePassword, ["ssh-keygen"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, ToolPassword("redis-server|valkey-server", "--requirepass|--masterauth", WordAfter), SecretCheck.CommandLinePassword, ["redis-server", "valkey-server"], StringComparison.OrdinalIgnoreCase),
        Rule(GenericSecret, @"(?i)\b[a-z0-9_.-]*" + SecretNames + @"[a-z0-9_.-]*" + Assignment + @"(?<secret>[^\s""'`,;(){}\[\]<>]{8,})", SecretCheck.Assigned, SecretNameLiterals, StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, EnvironmentPasswordPattern, SecretCheck.EnvironmentPassword, ["PASSWORD", "PASSWD", "PASSPHRASE", "_PWD", "_PASS", "SSHPASS", "REDISCLI_AUTH"]),
        Rule(CliPassword, NameValuePairPattern, SecretCheck.EnvironmentPassword, ["value"], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, YamlPasswordKeyPattern, SecretCheck.EnvironmentPassword, ["PASSWORD", "PASSWD", "PASSPHRASE", "_PWD"]),
        Rule(CliPassword, LowerCaseYamlPasswordPattern, SecretCheck.EnvironmentPassword, ["password:", "passwd:", "passphrase:", "password\":", "passwd\":", "passphrase\":", "password':", "passwd':", "passphrase':", "password=", "passwd=", "passphrase=", "password =", "passwd =", "passphrase ="], StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, ArmParameterPasswordPattern, SecretCheck.EnvironmentPassword, QuotedPasswordKeyLiterals, StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, JsonPasswordPairPattern, SecretCheck.EnvironmentPassword, QuotedPasswordKeyLiterals, StringComparison.OrdinalIgnoreCase),
        Rule(CliPassword, CalledPasswordPattern, SecretCheck.EnvironmentPassword, ["PASSWORD", "PASSWD", "PASSPHRASE", "_PWD", "_PASS", "SSHPASS", "REDISCLI_AUTH"]),
        Rule(CliPassword, DockerfileEnvPattern, SecretCheck.EnvironmentPassword, ["ENV"]),
        Rule(ConnectionStringPassword, ConnectionKeywordsPattern, SecretCheck.KeyedPassword, ["password"]),
    ];
}

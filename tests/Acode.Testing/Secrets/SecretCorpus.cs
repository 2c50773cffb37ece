using System.Text;

namespace Acode.Testing.Secrets;

/// <summary>
/// Realistic FAKE secrets of every built-in kind, in the contexts agents meet them (env files, shell commands, JSON, logs,
/// config files), and look-alikes that must survive byte for byte. No credential is written in this file: every value is
/// drawn from a seeded random generator and assembled from pieces at run time (so no scanner finds a token in the source,
/// and none was ever issued). docs/secrets.md reports the precision and recall on <see cref="Create"/> with seed 13.
/// </summary>
public static class SecretCorpus
{
    public const int DocumentedSeed = 13;

    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";
    private const string Base62 = Upper + Lower + Digits;
    private const string Base32 = Upper + "234567";
    private const string Hex = "0123456789abcdef";

    /// <summary>The samples holding a secret, <paramref name="variants"/> fresh values per context.</summary>
    public static IReadOnlyList<SecretSample> Secrets(int seed, int variants = 1)
    {
        var random = new Random(seed);
        var samples = new List<SecretSample>();
        for (int v = 0; v < variants; v++)
        {
            AddSecrets(samples, random, v);
        }

        return samples;
    }

    /// <summary>Texts that look like secrets but are not: each must come out unchanged.</summary>
    public static IReadOnlyList<SecretSample> LookAlikes(int seed)
    {
        var random = new Random(seed);
        var samples = new List<SecretSample>();
        void Add(string name, string text) => samples.Add(new SecretSample(name, null, null, text));

        string sha1 = Draw(random, Hex, 40), sha256 = Draw(random, Hex, 64);
        Add("git commit hash", $"commit {sha1}\nAuthor: Dev <dev@example.org>\n\n    Fix the parser\n");
        Add("git log --oneline", string.Join('\n', Enumerable.Range(0, 5).Select(i => $"{Draw(random, Hex, 7)} Change {i}")));
        Add("sha256 digest", $"sha256:{sha256}  artifact.tar.gz");
        Add("docker image digest", $"ghcr.io/org/app@sha256:{Draw(random, Hex, 64)}");
        Add("uuids", string.Join(", ", Enumerable.Range(0, 4).Select(_ => Guid.NewGuid().ToString())) + " are the ids");
        Add("uuid assigned to an id", $"request_id={Guid.NewGuid()} status=200");
        Add("base64 of ordinary text", Convert.ToBase64String(Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy dog; this is ordinary text, nothing secret at all.")));
        Add("base64 of a JSON object", Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"name\":\"acode\",\"version\":\"1.2.0\"}")));
        Add("AWS documented example access key", "aws_access_key_id = AKIA" + "IOSFODNN7EXAMPLE");
        Add("AWS documented example secret key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY");
        Add("GitHub token placeholder", "GITHUB_TOKEN=gh" + "p_" + new string('x', 36));
        Add("OpenAI key placeholder", "OPENAI_API_KEY=sk-" + "your-api-key-here");
        Add("OpenAI key mask", "OPENAI_API_KEY=sk-proj-" + new string('X', 40));
        Add("Stripe placeholder", "STRIPE_KEY=sk" + "_live_" + new string('0', 24));
        Add("password from the environment", "password=${DB_PASSWORD}");
        Add("password placeholder in YAML", "database:\n  password: <your password>\n  user: app");
        Add("token placeholder word", "token = \"changeme\"");
        Add("masked api key", "api_key: \"****************\"");
        Add("password length setting", "PASSWORD_MIN_LENGTH=12\nTOKEN_TTL_SECONDS=3600");
        Add("max tokens", "{\"model\": \"claude\", \"max_tokens\": 4096, \"temperature\": 0.2}");
        Add("tokenizer name", "tokenizer = bert-base-uncased-v2");
        Add("password read by code", "password = getPassword();\nconst token = await getToken(user_id2);");
        Add("PHP variables", "$pwd = $input;\n$password = $request->get('password');");
        Add("minified code", "function(e){var t=e.password,n=e.token;return t&&n?fetch(e.url,{headers:{Authorization:\"Bearer \"+n}}):null}");
        Add("long identifiers", "AbstractSingletonProxyFactoryBeanConfigurationHelper2 test_token_refresh_handles_expired_credentials_v2");
        Add("sk- inside words", "task-force-alpha-bravo-charlie-2024 disk-usage-report-2024-01-15-final risk-assessment-matrix-v3-draft");
        Add("URL with a user only", "git clone https://user@github.com/org/repo.git && ssh://git@host:22/repo");
        Add("URL with a port", "curl http://localhost:8080/api/v1/items?page=2&token_type=bearer");
        Add("URL with a placeholder password", "DATABASE_URL=postgres://user:password@localhost:5432/app");
        Add("connection string without password", "Server=db;Database=app;Integrated Security=true;TrustServerCertificate=true");
        Add("connection string with environment password", "Host=db;Username=app;Password=${PGPASSWORD};Database=app");
        Add("public key block", "-----BEGIN PUBLIC KEY-----\n" + Draw(random, Base62 + "+/", 64) + "\n-----END PUBLIC KEY-----");
        Add("certificate block", "-----BEGIN CERTIFICATE-----\n" + Draw(random, Base62 + "+/", 64) + "\n-----END CERTIFICATE-----");
        Add("one base64 JSON segment", "eyJ" + "uYW1lIjoiYWNvZGUifQ== is a base64 JSON object, not a token");
        Add("hex colours and numbers", "color: #a3f2c1; width: 1234567890px; id 0x7fffffff");
        Add("stack trace", "at Acode.Infrastructure.Sqlite.SqliteRunStateStore.SaveAllAsync(IReadOnlyCollection`1 sessions) in /src/SqliteRunStateStore.cs:line 72");
        Add("test log", "Passed!  - Failed: 0, Passed: 412, Skipped: 3, Total: 415, Duration: 1 m 12 s - Acode.Infrastructure.Tests.dll (net10.0)");
        Add("diff", "@@ -10,7 +10,7 @@\n-    var secretName = options.SecretName;\n+    var secretName = options.SecretName ?? \"default\";\n");
        Add("bearer token from the environment", "curl -H \"Authorization: Bearer $TOKEN\" https://api.internal.org/v2/items");
        Add("bearer token placeholder", "Authorization: Bearer <token>");
        Add("token header from a template", "curl -H 'Authorization: token ${GITHUB_TOKEN}' https://api.github.com/user");
        Add("bearer token placeholder words", "Authorization: Bearer YOUR_API_KEY_HERE");
        Add("netrc password from the environment", "machine github.com login dev password ${NETRC_PASSWORD}");
        Add("netrc-like prose", "the machine learning login page asks for a password first");
        Add("masked docker login", "docker login -u me -p **** registry.internal.org");
        Add("docker login from stdin", "cat token.txt | docker login -u me --password-stdin registry.internal.org");
        Add("docker publishes a port", "docker run -p 8080:80 -d nginx");
        Add("mkdir -p next to mysql", "mkdir -p backups/db && mysql -u root -p app < schema.sql");
        Add("--password from a variable", "psql --password \"$PW\" -h db app");
        Add("password from a CI secret", "with:\n  username: deploy\n  password: ${{ secrets.REGISTRY_PASSWORD }}");
        Add("SendGrid key mask", "SENDGRID_API_KEY=S" + "G." + new string('x', 22) + "." + new string('x', 43));
        Add("npm integrity hash", "\"integrity\": \"sha512-" + Draw(random, Base62 + "+/", 86) + "==\"");
        return samples;
    }

    /// <summary>The documented corpus: <see cref="Secrets"/> and <see cref="LookAlikes"/> with <see cref="DocumentedSeed"/>.</summary>
    public static (IReadOnlyList<SecretSample> Secrets, IReadOnlyList<SecretSample> LookAlikes) Create() => (Secrets(DocumentedSeed), LookAlikes(DocumentedSeed));

    /// <summary>A string of <paramref name="length"/> characters drawn from <paramref name="alphabet"/>.</summary>
    public static string Draw(Random random, string alphabet, int length)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(alphabet);
        return string.Create(length, (random, alphabet), static (span, state) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = state.alphabet[state.random.Next(state.alphabet.Length)];
            }
        });
    }

    /// <summary>A fake password a person would choose: letters of both cases, digits and a symbol.</summary>
    public static string Password(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Draw(random, Upper, 2) + Draw(random, Lower, 5) + Draw(random, Digits, 3) + Draw(random, "!%&*+-~", 1) + Draw(random, Base62, 3);
    }

    private static void AddSecrets(List<SecretSample> samples, Random random, int variant)
    {
        void Add(string name, string kind, string secret, string text) => samples.Add(new SecretSample($"{name} #{variant}", kind, secret, text));

        string awsId = "AK" + "IA" + Draw(random, Base32, 16);
        string stsId = "AS" + "IA" + Draw(random, Base32, 16);
        string awsSecret = Draw(random, Base62 + "/+", 40);
        Add("AWS access key id in credentials file", "aws-access-key-id", awsId, $"[default]\naws_access_key_id = {awsId}\nregion = eu-west-1\n");
        Add("AWS STS key id in a log", "aws-access-key-id", stsId, $"2026-11-30T10:00:00Z INFO assumed role, AccessKeyId={stsId} expires in 3600 s");
        Add("AWS secret key in credentials file", "aws-secret-access-key", awsSecret, $"[default]\naws_secret_access_key = {awsSecret}\n");
        string awsSecret2 = Draw(random, Base62 + "/+", 40);
        Add("AWS secret key in CLI JSON output", "aws-secret-access-key", awsSecret2, $"{{\n  \"Credentials\": {{\n    \"SecretAccessKey\": \"{awsSecret2}\",\n    \"Expiration\": \"2026-11-30T11:00:00Z\"\n  }}\n}}");
        string awsSecret3 = Draw(random, Base62 + "/+", 40);
        Add("AWS secret key exported", "aws-secret-access-key", awsSecret3, $"export AWS_SECRET_ACCESS_KEY=\"{awsSecret3}\"");

        foreach (string prefix in new[] { "ghp", "gho", "ghu", "ghs", "ghr" })
        {
            string token = prefix + "_" + Draw(random, Base62, 36);
            Add($"GitHub {prefix} token", "github-token", token, $"git push https://x-access-token@github.com/org/repo.git # GH_TOKEN={token}");
        }

        string pat = "github" + "_pat_" + Draw(random, Base62, 22) + "_" + Draw(random, Base62, 59);
        Add("GitHub fine-grained token", "github-token", pat, $"gh auth login --with-token <<< {pat}");

        string glpat = "gl" + "pat-" + Draw(random, Base62 + "-_", 20);
        Add("GitLab token", "gitlab-token", glpat, $"curl --header \"PRIVATE-TOKEN: {glpat}\" https://gitlab.com/api/v4/projects");

        string slackBot = "xo" + "xb-" + Draw(random, Digits, 12) + "-" + Draw(random, Digits, 13) + "-" + Draw(random, Base62, 24);
        string slackUser = "xo" + "xp-" + Draw(random, Digits, 12) + "-" + Draw(random, Digits, 12) + "-" + Draw(random, Digits, 13) + "-" + Draw(random, Hex, 32);
        Add("Slack bot token", "slack-token", slackBot, $"SLACK_BOT_TOKEN={slackBot}");
        Add("Slack user token", "slack-token", slackUser, $"Authorization: Bearer {slackUser}");

        string stripe = "sk" + "_live_" + Draw(random, Base62, 24);
        string stripeRestricted = "rk" + "_live_" + Draw(random, Base62, 24);
        Add("Stripe secret key", "stripe-key", stripe, $"Stripe.api_key = \"{stripe}\"");
        Add("Stripe restricted key", "stripe-key", stripeRestricted, $"STRIPE_RESTRICTED={stripeRestricted}");

        string openAiLegacy = "sk-" + Draw(random, Base62, 48);
        string openAiProject = "sk-" + "proj-" + Draw(random, Base62 + "-_", 64);
        Add("OpenAI key", "openai-api-key", openAiLegacy, $"OPENAI_API_KEY={openAiLegacy}");
        Add("OpenAI project key", "openai-api-key", openAiProject, $"client = OpenAI(api_key=\"{openAiProject}\")");

        string anthropic = "sk-" + "ant-api03-" + Draw(random, Base62 + "-_", 93) + "AA";
        Add("Anthropic key", "anthropic-api-key", anthropic, $"curl https://api.anthropic.com/v1/messages -H \"x-api-key: {anthropic}\"");

        string google = "AI" + "za" + Draw(random, Base62 + "-_", 35);
        Add("Google API key", "google-api-key", google, $"https://maps.googleapis.com/maps/api/geocode/json?address=Paris&key={google}");

        foreach (string label in new[] { "RSA ", "EC ", "OPENSSH ", "", "ENCRYPTED " })
        {
            var body = new StringBuilder();
            for (int line = 0; line < 6; line++)
            {
                body.Append(Draw(random, Base62 + "+/", 64)).Append('\n');
            }

            string block = $"-----BEGIN {label}PRIVATE KEY-----\n{body}-----END {label}PRIVATE KEY-----";
            Add($"{label}private key", "private-key", block, $"$ cat ~/.ssh/id_key\n{block}\n$ ");
        }

        string jwt = Base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + Base64Url($"{{\"sub\":\"user-{random.Next(100000)}\",\"iat\":{1_700_000_000 + random.Next(10_000_000)}}}") + "." + Draw(random, Base62 + "-_", 43);
        Add("JWT in a header", "jwt", jwt, $"Authorization: Bearer {jwt}");

        string urlPassword = Password(random);
        Add("database URL", "url-password", urlPassword, $"DATABASE_URL=postgres://app:{urlPassword}@db.internal:5432/app");
        string redisPassword = Draw(random, Base62, 20);
        Add("redis URL without user", "url-password", redisPassword, $"redis-cli -u redis://:{redisPassword}@cache:6379/0 ping");
        string gitPassword = Password(random);
        Add("git remote with password", "url-password", gitPassword, $"remote: https://deploy:{gitPassword}@git.internal.org/team/app.git");

        string sqlPassword = Password(random);
        Add("SQL Server connection string", "connection-string-password", sqlPassword, $"Server=db;Database=app;User Id=sa;Password={sqlPassword};TrustServerCertificate=true");
        string npgsqlPassword = Draw(random, Lower, 6) + Draw(random, Digits, 2);
        Add("Npgsql connection string, password last", "connection-string-password", npgsqlPassword, $"Host=localhost;Username=app;Pwd={npgsqlPassword}");

        string envPassword = Password(random);
        Add("password in an env file", "generic-secret", envPassword, $"DB_HOST=db\nDB_PASSWORD={envPassword}\nDB_PORT=5432");
        string clientSecret = Draw(random, Base62, 32);
        Add("client secret in YAML", "generic-secret", clientSecret, $"oauth:\n  client_id: app\n  client_secret: {clientSecret}\n");
        string apiKey = Draw(random, Hex, 32);
        Add("hex API key in JSON text", "generic-secret", apiKey, $"{{\"service\": \"mail\", \"api_key\": \"{apiKey}\"}}");
        string serviceToken = Draw(random, Base62 + "._-", 40);
        Add("service token exported", "generic-secret", serviceToken, $"export SERVICE_TOKEN='{serviceToken}'");

        string bearer = Draw(random, Base62, 24);
        Add("bearer token in a curl header", "authorization-header", bearer, $"curl -H \"Authorization: Bearer {bearer}\" https://api.internal.org/v2/items");
        string basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("deploy:" + Password(random)));
        Add("basic credentials in a header", "authorization-header", basic, $"GET /v1/builds HTTP/1.1\nHost: ci.internal.org\nAuthorization: Basic {basic}\n");
        string githubHeader = Draw(random, Base62, 40);
        Add("GitHub-style token header", "authorization-header", githubHeader, $"curl -H 'Authorization: token {githubHeader}' https://api.github.com/user");
        string headerObject = Draw(random, Base62 + "-_", 32);
        Add("bearer token in a JSON header object", "authorization-header", headerObject, $"{{\"headers\": {{\"Authorization\": \"Bearer {headerObject}\", \"Accept\": \"application/json\"}}}}");

        string netrc = Draw(random, Base62, 12);
        Add("netrc entry", "netrc-password", netrc, $"$ cat ~/.netrc\nmachine github.com login dev password {netrc}\n");

        string sqlRole = Password(random);
        Add("PostgreSQL role password", "sql-password", sqlRole, $"psql -c \"ALTER ROLE app WITH LOGIN PASSWORD '{sqlRole}';\"");
        string sqlMysql = Draw(random, Base62, 14);
        Add("MySQL user password", "sql-password", sqlMysql, $"mysql> CREATE USER 'app'@'%' IDENTIFIED BY '{sqlMysql}';\nQuery OK, 0 rows affected (0.01 sec)");

        string docker = Draw(random, Base62, 12);
        Add("docker login -p", "cli-password", docker, $"docker login -u me -p {docker} registry.internal.org");
        string cliSpaced = Password(random);
        Add("--password and a value", "cli-password", cliSpaced, $"az login --service-principal -u app-id --password {cliSpaced} --tenant corp");
        string cliEquals = Draw(random, Base62, 16);
        Add("--password=value", "cli-password", cliEquals, $"mysqldump --user=root --password={cliEquals} app > dump.sql");
        string mysql = Draw(random, Base62, 10);
        Add("mysql -p attached", "cli-password", mysql, $"mysql -u root -p{mysql} -h db.internal app -e 'select 1'");

        string sendGrid = "S" + "G." + Draw(random, Base62 + "-_", 22) + "." + Draw(random, Base62 + "-_", 43);
        Add("SendGrid key", "sendgrid-api-key", sendGrid, $"SENDGRID_API_KEY={sendGrid}\nMAIL_FROM=noreply@internal.org");
    }

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

namespace Acode.Application.Redaction;

/// <summary>
/// The rules on by default, in the order they run (an earlier rule's marker is never matched by a later rule). The table
/// and what each rule keeps are documented in docs/secrets.md.
/// </summary>
public static class BuiltInSecretRules
{
    public const string PrivateKey = "private-key";
    public const string Jwt = "jwt";
    public const string AwsAccessKeyId = "aws-access-key-id";
    public const string AwsSecretAccessKey = "aws-secret-access-key";
    public const string GitHubToken = "github-token";
    public const string GitLabToken = "gitlab-token";
    public const string SlackToken = "slack-token";
    public const string StripeKey = "stripe-key";
    public const string AnthropicApiKey = "anthropic-api-key";
    public const string OpenAiApiKey = "openai-api-key";
    public const string GoogleApiKey = "google-api-key";
    public const string UrlPassword = "url-password";
    public const string ConnectionStringPassword = "connection-string-password";
    public const string GenericSecret = "generic-secret";

    /// <summary>The built-in kinds, in the order their rules run (no pattern is compiled to list them).</summary>
    public static IReadOnlyList<string> Kinds { get; } =
    [
        PrivateKey, Jwt, AwsAccessKeyId, AwsSecretAccessKey, GitHubToken, GitLabToken, SlackToken, StripeKey, AnthropicApiKey, OpenAiApiKey,
        GoogleApiKey, UrlPassword, ConnectionStringPassword, GenericSecret,
    ];

    /// <summary>Names of a value that is a secret by its name alone (<c>password</c>, <c>api_key</c>, <c>client_secret</c>, …), as a pattern fragment.</summary>
    internal const string SecretNames = @"(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)";

    /// <summary>Names of an AWS secret access key (<c>aws_secret_access_key</c>, <c>SecretAccessKey</c>), as a pattern fragment.</summary>
    internal const string AwsSecretNames = @"(?:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key)";

    private const string Assignment = @"[""']?\s*(?::=|=>|[:=])\s*[""']?";

    private static readonly string[] SecretNameLiterals =
        ["password", "passwd", "secret", "token", "apikey", "api_key", "api-key", "accesskey", "access_key", "access-key", "private_key", "privatekey", "private-key", "credential"];

    /// <summary>The built-in rules, in the order they run; a new array each call.</summary>
    public static SecretRule[] Create() =>
    [
        new(PrivateKey, @"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s,:\\]|-[A-Za-z0-9])*(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----)?", SecretCheck.Format, ["PRIVATE KEY"]),
        new(Jwt, @"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*", SecretCheck.Format, ["eyJ"]),
        new(AwsAccessKeyId, @"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b", SecretCheck.Random, ["AKIA", "ASIA"]),
        new(AwsSecretAccessKey, "(?i)" + AwsSecretNames + Assignment + @"(?<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)", SecretCheck.Random, ["secret"], StringComparison.OrdinalIgnoreCase),
        new(GitHubToken, @"\b(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255})\b", SecretCheck.RandomMixed, ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]),
        new(GitLabToken, @"\bglpat-[A-Za-z0-9_-]{20,}", SecretCheck.RandomMixed, ["glpat-"]),
        new(SlackToken, @"\bxox[abprs]-[A-Za-z0-9-]{10,}", SecretCheck.RandomMixed, ["xox"]),
        new(StripeKey, @"\b[rs]k_live_[A-Za-z0-9]{20,}", SecretCheck.RandomMixed, ["_live_"]),
        new(AnthropicApiKey, @"\bsk-ant-[A-Za-z0-9_-]{32,}", SecretCheck.RandomMixed, ["sk-ant-"]),
        new(OpenAiApiKey, @"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}", SecretCheck.RandomMixed, ["sk-"]),
        new(GoogleApiKey, @"\bAIza[0-9A-Za-z_-]{35}", SecretCheck.Random, ["AIza"]),
        new(UrlPassword, @"(?i)\b[a-z][a-z0-9+.-]*://[^\s:@/?#""'<>\[\]]*:(?<secret>[^\s@/?#""'<>]+)@", SecretCheck.Format, ["://"]),
        new(ConnectionStringPassword, @"(?i)\b(?:password|pwd)\s*=\s*(?<secret>[^;\r\n""'()]+)", SecretCheck.ConnectionString, ["password", "pwd"], StringComparison.OrdinalIgnoreCase),
        new(GenericSecret, @"(?i)\b[a-z0-9_.-]*" + SecretNames + @"[a-z0-9_.-]*" + Assignment + @"(?<secret>[^\s""'`,;(){}\[\]<>]{8,})", SecretCheck.Assigned, SecretNameLiterals, StringComparison.OrdinalIgnoreCase),
    ];
}

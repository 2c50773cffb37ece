using Acode.Application.Options;

namespace Acode.Application.Redaction;

/// <summary>
/// The configured <see cref="SecretRedactor"/>, built on the first text it redacts. Building it compiles every rule's
/// pattern (about 90 ms at start-up), which a process that only reads (the CLI's <c>session list</c>, <c>db status</c>) never
/// needs. What <c>AddAcodePersistence</c> registers.
/// Redacts exactly as <see cref="SecretRedactor.From(RedactionOptions)"/> would; thread-safe.
/// </summary>
internal sealed class DeferredSecretRedactor : ISecretRedactor
{
    private readonly RedactionOptions _options;
    private readonly Lazy<SecretRedactor> _redactor;

    /// <param name="options">Validated redaction options (<see cref="RedactionOptions.Validate"/>).</param>
    public DeferredSecretRedactor(RedactionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _redactor = new Lazy<SecretRedactor>(() => SecretRedactor.From(options));
    }

    /// <inheritdoc/>
    public bool Enabled => _options.Enabled;

    /// <inheritdoc/>
    public string Redact(string text, RedactionCounts counts) => _redactor.Value.Redact(text, counts);

    /// <inheritdoc/>
    public string RedactJson(string json, RedactionCounts counts) => _redactor.Value.RedactJson(json, counts);
}

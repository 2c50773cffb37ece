using Acode.Application.Errors;
using Acode.Application.Redaction;

namespace Acode.Application.Options;

/// <summary>Secret redaction before anything is stored (configuration section <c>persistence:redaction</c>; see docs/secrets.md).</summary>
public sealed class RedactionOptions
{
    /// <summary>Redact secrets before they are stored. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Kinds of rules switched off (built-in kinds such as <c>generic-secret</c>, or kinds of <see cref="Rules"/>).</summary>
    public List<string> DisabledRules { get; set; } = [];

    /// <summary>Extra rules, run after the built-in ones.</summary>
    public List<RedactionRuleOptions> Rules { get; set; } = [];

    /// <summary>The declarations of this section's settings: key, default, accepted values, meaning (README table, binding, <see cref="Validate"/>).</summary>
    internal static IReadOnlyList<OptionDescriptor> Descriptors { get; } =
    [
        Section.Boolean("enabled", true, o => o.Enabled, (o, v) => o.Enabled = v,
            "replace secrets by `[REDACTED:kind]` markers before anything is stored ([docs/secrets.md](docs/secrets.md))"),
        Section.ChoiceList("disabledRules", BuiltInSecretRules.Kinds, o => o.DisabledRules, (o, v) => o.DisabledRules = [.. v],
            "built-in rule kinds switched off, e.g. `[\"generic-secret\", \"jwt\"]`"),
        Section.ObjectList("rules", "a JSON array of objects with `kind` and `pattern`", ["kind", "pattern"], o => o.Rules,
            (o, v) => o.Rules = [.. v.Select(item => new RedactionRuleOptions { Kind = item["kind"], Pattern = item["pattern"] })],
            "extra rules `{\"kind\": \"employee-id\", \"pattern\": \"\\\\bEMP-[0-9]{6}\\\\b\"}`: a .NET regex without lookarounds or backreferences (run without backtracking); a group named `secret` limits what is replaced"),
    ];

    private static OptionSection<RedactionOptions> Section => new("persistence:redaction");

    /// <summary>Checks every value against its declaration, and that each extra rule's kind and pattern are accepted.</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the first invalid key and what it accepts.</exception>
    public void Validate()
    {
        foreach (OptionDescriptor descriptor in Descriptors)
        {
            descriptor.Check(this);
        }

        const string section = "persistence:redaction";
        var builtIn = BuiltInSecretRules.Kinds.ToHashSet(StringComparer.Ordinal);
        var extra = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Rules.Count; i++)
        {
            RedactionRuleOptions rule = Rules[i];
            string key = $"{section}:rules:{i}";
            if (!SecretRule.IsValidKind(rule.Kind) || builtIn.Contains(rule.Kind!) || !extra.Add(rule.Kind!))
            {
                throw AcodeErrors.InvalidConfiguration($"{key}:kind", rule.Kind ?? "(missing)", "a new kind name: 1 to 64 lower-case letters, digits and dashes starting with a letter, not a built-in kind and not used twice");
            }

            try
            {
                _ = new SecretRule(rule.Kind!, rule.Pattern ?? string.Empty);
            }
            catch (ArgumentException ex)
            {
                throw AcodeErrors.InvalidConfiguration($"{key}:pattern", rule.Pattern ?? "(missing)", $"a .NET regular expression without lookarounds, backreferences or atomic groups ({ArgumentMessage.Of(ex)})");
            }
        }

    }
}

using System.Text;

namespace Acode.Application.Options;

/// <summary>
/// Every setting of the <c>persistence</c> section, in README order: the single list that binding, validation, the
/// ACODE-DB-007 texts and the README's configuration table are derived from. A new setting is one line in its
/// section's <c>Descriptors</c> (<see cref="SqliteOptions.Descriptors"/>, <see cref="PostgresOptions.Descriptors"/>,
/// <see cref="Sync.SyncOptions.Descriptors"/>).
/// </summary>
internal static class PersistenceOptionCatalog
{
    /// <summary>All settings, section by section.</summary>
    public static IReadOnlyList<OptionDescriptor> All { get; } =
        [.. SqliteOptions.Descriptors, .. PostgresOptions.Descriptors, .. Sync.SyncOptions.Descriptors, .. RetentionOptions.Descriptors, .. RedactionOptions.Descriptors, .. StoreOptions.Descriptors];

    /// <summary>The section paths (<c>persistence:sqlite</c>, …), in order.</summary>
    public static IReadOnlyList<string> Sections { get; } = All.Select(d => d.Section).Distinct().ToArray();

    /// <summary>The setting with this key path, compared case-insensitively as configuration keys are; null when unknown.</summary>
    public static OptionDescriptor? Find(string key) => All.FirstOrDefault(d => string.Equals(d.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>The README's configuration table (Markdown, one row per setting, ending with a newline).</summary>
    public static string MarkdownTable()
    {
        var table = new StringBuilder();
        table.Append("| key | default | accepted values | meaning |\n|---|---|---|---|\n");
        foreach (OptionDescriptor d in All)
        {
            string defaultText = d.Kind == OptionKind.WholeNumber || d.DefaultText == "none" ? d.DefaultText : $"`{d.DefaultText}`";
            string accepted = d.Kind switch
            {
                OptionKind.WholeNumber => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{d.Minimum}–{d.Maximum} {d.Unit}") + (d.Constraint is null ? string.Empty : ", " + KeysQuoted(d.Constraint)),
                OptionKind.Choice => string.Join(", ", d.Choices.Select(c => $"`{c}`")),
                OptionKind.ChoiceList => "a list of " + string.Join(", ", d.Choices.Select(c => $"`{c}`")),
                OptionKind.Boolean => "`true`, `false`",
                _ => d.Format ?? "text",
            };
            table.Append(System.Globalization.CultureInfo.InvariantCulture, $"| `{d.Key}` | {(d.DefaultValue is null ? "none" : defaultText)} | {accepted} | {d.Description} |\n");
        }

        return table.ToString();
    }

    private static string KeysQuoted(string text) => string.Join(' ', text.Split(' ').Select(w => w.StartsWith(PersistenceOptions.SectionName + ":", StringComparison.Ordinal) ? $"`{w}`" : w));
}

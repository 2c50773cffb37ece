using System.Globalization;
using Acode.Application.Errors;

namespace Acode.Application.Options;

/// <summary>
/// The one declaration of a setting: its key path as the README spells it (<c>persistence:sync:batchSize</c>), its kind,
/// default, accepted values and meaning. Parsing a configured value, checking a value set in code, the ACODE-DB-007 text
/// and the README's configuration table are all derived from it (see <see cref="PersistenceOptionCatalog"/>).
/// Declared next to the property it sets, with <see cref="OptionSection{TSection}"/>.
/// </summary>
internal sealed class OptionDescriptor
{
    private readonly Func<object, object?> _get;
    private readonly Action<object, object?> _set;

    internal OptionDescriptor(
        string section, string name, OptionKind kind, string description, object? defaultValue,
        Func<object, object?> get, Action<object, object?> set)
    {
        Section = section;
        Name = name;
        Kind = kind;
        Description = description;
        DefaultValue = defaultValue;
        _get = get;
        _set = set;
    }

    /// <summary>The section path, e.g. <c>persistence:sync</c>.</summary>
    public string Section { get; }

    /// <summary>The key within its section, e.g. <c>batchSize</c>.</summary>
    public string Name { get; }

    /// <summary>The full key path as the README spells it, e.g. <c>persistence:sync:batchSize</c>.</summary>
    public string Key => $"{Section}:{Name}";

    /// <summary>The environment variable that sets it, e.g. <c>ACODE_PERSISTENCE__SYNC__BATCHSIZE</c>.</summary>
    public string EnvironmentVariable => "ACODE_" + Key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant();

    public OptionKind Kind { get; }

    /// <summary>What the setting does, as the README's table says it (Markdown).</summary>
    public string Description { get; }

    /// <summary>The default value (an <see cref="long"/>, enum value, <see cref="bool"/>, or null for an unset text).</summary>
    public object? DefaultValue { get; }

    /// <summary>Smallest accepted value of an <see cref="OptionKind.WholeNumber"/> setting.</summary>
    public long Minimum { get; init; }

    /// <summary>Largest accepted value of an <see cref="OptionKind.WholeNumber"/> setting.</summary>
    public long Maximum { get; init; }

    /// <summary>The unit of an <see cref="OptionKind.WholeNumber"/> setting, plural (<c>seconds</c>, <c>records</c>).</summary>
    public string? Unit { get; init; }

    /// <summary>The accepted names of a <see cref="OptionKind.Choice"/> setting, in the order they are listed.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>The field names of one item of an <see cref="OptionKind.ObjectList"/> setting.</summary>
    public IReadOnlyList<string> ItemFields { get; init; } = [];

    /// <summary>A rule involving another setting, appended to the accepted values (checked by the section's <c>Validate</c>).</summary>
    public string? Constraint { get; init; }

    /// <summary>The form of an <see cref="OptionKind.Text"/> setting, in words (Markdown).</summary>
    public string? Format { get; init; }

    /// <summary>True when the value may hold a password: it is never shown in errors.</summary>
    public bool IsSecret { get; init; }

    /// <summary>The default as written in the README and in errors (<c>500</c>, <c>Full</c>, <c>none</c>).</summary>
    public string DefaultText => DefaultValue switch
    {
        null => "none",
        IReadOnlyList<string> list => list.Count == 0 ? "none" : string.Join(",", list),
        System.Collections.IEnumerable => "none",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => DefaultValue.ToString() ?? "none",
    };

    /// <summary>The accepted values in words, e.g. <c>a whole number of records from 1 to 10000 (default 500)</c>.</summary>
    public string AcceptedValues
    {
        get
        {
            string accepted = Kind switch
            {
                OptionKind.WholeNumber => $"a whole number{(Unit is null ? string.Empty : " of " + Unit)} from {Text(Minimum)} to {Text(Maximum)}",
                OptionKind.Choice => ChoiceList(),
                OptionKind.ChoiceList => $"a list of {string.Join(", ", Choices)} (a JSON array such as [\"{Choices[0]}\"], or one value separated by commas)",
                OptionKind.Boolean => "true or false",
                _ => (Format ?? "text").Replace("`", string.Empty, StringComparison.Ordinal),
            };
            if (Constraint is not null)
            {
                accepted += $", {Constraint}";
            }

            return Kind == OptionKind.Choice ? accepted : $"{accepted} (default {DefaultText})";
        }
    }

    /// <summary>The value as it is to be shown: the text, or a placeholder for a secret.</summary>
    public string Shown(string value) => IsSecret ? "(not shown: it may contain a password)" : value;

    /// <summary>Parses configured text into the value this setting holds, or fails with ACODE-DB-007.</summary>
    /// <param name="text">The configured text; null or blank means "not set".</param>
    /// <param name="source">Where the text came from (a file path, an environment variable), named in the error.</param>
    /// <returns>The value (a <see cref="long"/>, the choice's name, a <see cref="bool"/> or the text), or null when not set.</returns>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming <see cref="Key"/>, the value (unless secret), the source and <see cref="AcceptedValues"/>.</exception>
    public object? Parse(string? text, string? source)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        string trimmed = text.Trim();
        object? value = Kind switch
        {
            OptionKind.WholeNumber when long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number)
                && number >= Minimum && number <= Maximum => number,
            OptionKind.Choice => Choices.FirstOrDefault(c => string.Equals(c, trimmed, StringComparison.OrdinalIgnoreCase)),
            OptionKind.Boolean when bool.TryParse(trimmed, out bool flag) => flag,
            OptionKind.ChoiceList => ParseList(trimmed),
            OptionKind.ObjectList => null, // never a single value: see BindItems
            OptionKind.Text => text,
            _ => null,
        };
        return value ?? throw Invalid(text, source);
    }

    /// <summary>ACODE-DB-007 for <paramref name="text"/> as this setting's value.</summary>
    public AcodeDbException Invalid(string text, string? source = null)
        => AcodeErrors.InvalidConfiguration(Key, Shown(text), AcceptedValues, source);

    /// <summary>Parses <paramref name="text"/> and, when it is set, assigns it to this setting's property of <paramref name="options"/>.</summary>
    /// <returns>True when a value was assigned; false when <paramref name="text"/> is null or empty (the default stays).</returns>
    /// <exception cref="AcodeDbException">ACODE-DB-007 as <see cref="Parse"/>.</exception>
    public bool Bind(PersistenceOptions options, string? text, string? source)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Parse(text, source) is not { } value)
        {
            return false;
        }

        _set(options.SectionOf(Section, create: true)!, value);
        return true;
    }

    /// <summary>Assigns the items of an <see cref="OptionKind.ObjectList"/> setting (each a map of field name to text).</summary>
    /// <exception cref="InvalidOperationException">This setting is not an <see cref="OptionKind.ObjectList"/>.</exception>
    public void BindItems(PersistenceOptions options, IReadOnlyList<IReadOnlyDictionary<string, string?>> items)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Kind != OptionKind.ObjectList)
        {
            throw new InvalidOperationException($"{Key} is not a list of objects.");
        }

        _set(options.SectionOf(Section, create: true)!, items);
    }

    /// <summary>Checks the value the section object holds (set by binding or in code).</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the key and the accepted values.</exception>
    internal void Check(object section)
    {
        object? value = _get(section);
        bool ok = Kind switch
        {
            OptionKind.WholeNumber => value is long n && n >= Minimum && n <= Maximum,
            OptionKind.Choice => value is not null && Choices.Contains(value.ToString(), StringComparer.Ordinal),
            OptionKind.ChoiceList => value is IEnumerable<string> names && names.All(n => Choices.Contains(n?.Trim(), StringComparer.OrdinalIgnoreCase)),
            _ => true,
        };
        if (!ok)
        {
            throw Invalid(value switch
            {
                long n => Text(n),
                null => string.Empty,
                IEnumerable<string> names => string.Join(",", names),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
            });
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The items of a list given as one value: a JSON array of objects (<c>[{"kind": "x", "pattern": "y"}]</c>), as an
    /// environment variable must give a list of objects when it is not split into indexed variables. Field names match
    /// <see cref="ItemFields"/> in any letter case; values are strings (numbers and booleans as their JSON text).
    /// </summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the source when it is not such an array.</exception>
    public IReadOnlyList<IReadOnlyDictionary<string, string?>> ParseItems(string text, string? source)
    {
        if (Kind != OptionKind.ObjectList)
        {
            throw new InvalidOperationException($"{Key} is not a list of objects.");
        }

        var items = new List<IReadOnlyDictionary<string, string?>>();
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Array)
            {
                throw Invalid(text, source);
            }

            foreach (System.Text.Json.JsonElement element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != System.Text.Json.JsonValueKind.Object)
                {
                    throw Invalid(text, source);
                }

                var item = ItemFields.ToDictionary(f => f, f => (string?)null, StringComparer.Ordinal);
                foreach (System.Text.Json.JsonProperty property in element.EnumerateObject())
                {
                    string field = ItemFields.FirstOrDefault(f => string.Equals(f, property.Name, StringComparison.OrdinalIgnoreCase))
                        ?? throw Invalid(text, source);
                    item[field] = property.Value.ValueKind switch
                    {
                        System.Text.Json.JsonValueKind.String => property.Value.GetString(),
                        System.Text.Json.JsonValueKind.Null => null,
                        System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => property.Value.GetRawText(),
                        _ => throw Invalid(text, source),
                    };
                }

                items.Add(item);
            }
        }
        catch (System.Text.Json.JsonException)
        {
            throw Invalid(text, source);
        }

        return items;
    }

    /// <summary>
    /// The names of a list given as one value, each as <see cref="Choices"/> spells it: a JSON array of strings
    /// (<c>["Completed","Failed"]</c>, as the file and environment variables may give it) or a comma-separated list; null
    /// when one is not a choice or the array is not one of strings.
    /// </summary>
    private string[]? ParseList(string text)
    {
        IEnumerable<string>? parts = text.StartsWith('[') ? JsonStrings(text) : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts is null)
        {
            return null;
        }

        var names = new List<string>();
        foreach (string part in parts)
        {
            string? name = Choices.FirstOrDefault(c => string.Equals(c, part, StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                return null;
            }

            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        return [.. names];
    }

    /// <summary>The strings of a JSON array (trimmed, blanks skipped); null when it is not an array of strings.</summary>
    private static List<string>? JsonStrings(string text)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Array
                || document.RootElement.EnumerateArray().Any(e => e.ValueKind != System.Text.Json.JsonValueKind.String))
            {
                return null;
            }

            return [.. document.RootElement.EnumerateArray().Select(e => e.GetString()!.Trim()).Where(v => v.Length > 0)];
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private string ChoiceList()
    {
        string Named(string choice) => string.Equals(choice, DefaultText, StringComparison.Ordinal) ? $"{choice} (default)" : choice;
        return Choices.Count == 1 ? Named(Choices[0]) : string.Join(", ", Choices.Take(Choices.Count - 1).Select(Named)) + " or " + Named(Choices[^1]);
    }
}

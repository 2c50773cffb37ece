using System.Text;
using System.Text.RegularExpressions;
using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Application.Redaction;
using Acode.Domain.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace Acode.Infrastructure.Configuration;

/// <summary>
/// Binds the <c>persistence</c> section key by key from the declarations in <see cref="PersistenceOptionCatalog"/>: a
/// value that does not parse, is out of range, or is an object where a value belongs is ACODE-DB-007 naming the key
/// path, where the value came from (the file, the environment variable) and the accepted values; a key no setting has
/// is refused with the closest known key. Unset or empty values keep their defaults.
/// </summary>
internal static partial class PersistenceConfigurationBinder
{
    /// <summary>Sets every configured value on <paramref name="options"/>.</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 for the first bad key.</exception>
    public static void Bind(IConfiguration configuration, PersistenceOptions options)
    {
        CheckTopLevel(configuration);
        CheckEmptyValues(configuration);
        IConfigurationSection root = configuration.GetSection(PersistenceOptions.SectionName);
        foreach (IConfigurationSection leaf in Leaves(root))
        {
            CheckKnown(configuration, leaf);
        }

        foreach (OptionDescriptor descriptor in PersistenceOptionCatalog.All)
        {
            if (descriptor.Kind is OptionKind.ObjectList or OptionKind.ChoiceList && configuration is IConfigurationRoot sources)
            {
                BindList(sources, descriptor, options);
                continue;
            }

            string? text = configuration[descriptor.Key];
            if (descriptor.Kind == OptionKind.ObjectList)
            {
                if (!string.IsNullOrWhiteSpace(text))
                {
                    // One value (an environment variable): a JSON array of objects.
                    descriptor.BindItems(options, descriptor.ParseItems(text.Trim(), SourceOf(configuration, descriptor.Key)));
                    continue;
                }

                List<IReadOnlyDictionary<string, string?>> objects = [.. configuration.GetSection(descriptor.Key).GetChildren()
                    .OrderBy(c => int.TryParse(c.Key, out int i) ? i : int.MaxValue)
                    .Select(c => (IReadOnlyDictionary<string, string?>)descriptor.ItemFields.ToDictionary(f => f, f => c[f], StringComparer.Ordinal))];
                if (objects.Count > 0)
                {
                    descriptor.BindItems(options, objects);
                }

                continue;
            }

            if (text is null && descriptor.Kind == OptionKind.ChoiceList)
            {
                // A JSON array or indexed variables (…__STATES__0): the items, in index order, as one comma-separated value.
                List<(string Path, string? Value)> items = [.. configuration.GetSection(descriptor.Key).GetChildren()
                    .Where(c => c.Value is not null)
                    .OrderBy(c => int.TryParse(c.Key, out int i) ? i : int.MaxValue)
                    .Select(c => (c.Path, c.Value))];
                if (items.Count > 0)
                {
                    BindItems(configuration, descriptor, options, items);
                    continue;
                }
            }

            descriptor.Bind(options, text, text is null ? null : SourceOf(configuration, descriptor.Key));
        }
    }

    /// <summary>
    /// Binds a list setting from the one source that gives it, the last added (an environment variable over the file):
    /// whole (a JSON array, or names separated by commas, in one value) or as items (the file's array, indexed variables
    /// such as <c>…__STATES__0</c>). A later source replaces the list; it does not overwrite it item by item, which left
    /// the file's <c>Failed</c> in <c>STATES__0=Cancelled</c>'s list (trial AM 3), and an empty value or <c>[]</c> gives no
    /// list, so the file's stays (trial AM 4: <c>STATES=</c> from an unset shell variable took the file's state filter off
    /// the prune and the host's retention). One source giving the list both ways is refused: which was meant is unknown.
    /// </summary>
    private static void BindList(IConfigurationRoot configuration, OptionDescriptor descriptor, PersistenceOptions options)
    {
        if (ListSource(configuration, descriptor) is ({ } provider, var whole, { } children))
        {
            string source = Describe(provider, descriptor.Key);
            if (whole is not null && children.Length > 0)
            {
                throw AcodeErrors.InvalidConfiguration(descriptor.Key, descriptor.Shown(whole),
                    $"the list given once: {source} gives it whole and also item by item ({Describe(provider, $"{descriptor.Key}:{children[0]}")}); remove one of the two", source);
            }

            if (whole is not null)
            {
                if (descriptor.Kind == OptionKind.ObjectList)
                {
                    descriptor.BindItems(options, descriptor.ParseItems(whole, source));
                }
                else
                {
                    descriptor.Bind(options, whole, source);
                }
            }
            else if (descriptor.Kind == OptionKind.ObjectList)
            {
                descriptor.BindItems(options, [.. children.Select(c => (IReadOnlyDictionary<string, string?>)descriptor.ItemFields.ToDictionary(
                    f => f, f => provider.TryGet($"{descriptor.Key}:{c}:{f}", out string? field) ? field : null, StringComparer.Ordinal))]);
            }
            else
            {
                BindItems(configuration, descriptor, options, [.. children
                    .Select(c => ($"{descriptor.Key}:{c}", provider.TryGet($"{descriptor.Key}:{c}", out string? item) ? item : null))
                    .Where(c => c.Item2 is not null)]);
            }
        }
    }

    /// <summary>
    /// The source a list setting is bound from (<see cref="BindList"/>): the last provider giving a non-empty list, the list
    /// given whole when it is (else null), and the keys of its items in index order; null when no source gives the list.
    /// </summary>
    private static (IConfigurationProvider Provider, string? Whole, string[] Children)? ListSource(IConfigurationRoot configuration, OptionDescriptor descriptor)
    {
        foreach (IConfigurationProvider provider in configuration.Providers.Reverse())
        {
            string? whole = provider.TryGet(descriptor.Key, out string? value) && !IsEmptyList(value) ? value!.Trim() : null;

            // An item left empty (STATES__0= from an unset shell variable) is no item (trial AN 3: it took the filter off).
            string[] children = [.. provider.GetChildKeys([], descriptor.Key).Distinct(StringComparer.OrdinalIgnoreCase)
                .Where(c => Leaves(provider, $"{descriptor.Key}:{c}").Any(leaf => provider.TryGet(leaf, out string? text) && !string.IsNullOrWhiteSpace(text)))
                .OrderBy(c => int.TryParse(c, out int i) ? i : int.MaxValue)];
            if (whole is not null || children.Length > 0)
            {
                return (provider, whole, children);
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="key"/> as its source spells it: a check of the options names a list's item by its position
    /// (<c>persistence:redaction:rules:0:pattern</c>), but the list may come from items the user numbered otherwise
    /// (<c>…__RULES__1__PATTERN</c> alone, or <c>__3</c> and <c>__5</c>: trial AN 4, the error named a variable that was not
    /// set); the key of the item at that position is returned. Any other key is returned as it is.
    /// </summary>
    public static string ItemKey(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return key;
        }

        foreach (OptionDescriptor descriptor in PersistenceOptionCatalog.All)
        {
            if (descriptor.Kind is not (OptionKind.ObjectList or OptionKind.ChoiceList) || !key.StartsWith(descriptor.Key + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string rest = key[(descriptor.Key.Length + 1)..];
            int end = rest.IndexOf(ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
            string position = end < 0 ? rest : rest[..end];
            if (int.TryParse(position, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index)
                && ListSource(root, descriptor) is (_, null, string[] children) && index < children.Length)
            {
                return $"{descriptor.Key}{ConfigurationPath.KeyDelimiter}{children[index]}{(end < 0 ? string.Empty : rest[end..])}";
            }
        }

        return key;
    }

    /// <summary>A list value that gives no list: empty, blank, an empty JSON array, or names separated by commas that are all blank (<c>,</c>).</summary>
    private static bool IsEmptyList(string? value)
        => string.IsNullOrWhiteSpace(value) || value.Trim() is ['[', .. string inside, ']'] && string.IsNullOrWhiteSpace(inside)
            || value.Split(',').All(string.IsNullOrWhiteSpace);

    /// <summary>
    /// Binds a list given as items (a JSON array, indexed variables) as one comma-separated value. A refused list is
    /// refused naming the source of the first item refused on its own (<see cref="FirstInvalid"/>), looked for only then.
    /// </summary>
    private static void BindItems(IConfiguration configuration, OptionDescriptor descriptor, PersistenceOptions options, List<(string Path, string? Value)> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        string text = string.Join(",", items.Select(c => c.Value));
        try
        {
            descriptor.Bind(options, text, SourceOf(configuration, items[0].Path));
        }
        catch (AcodeDbException) when (FirstInvalid(descriptor, items) is { } refused && refused != items[0])
        {
            descriptor.Bind(options, text, SourceOf(configuration, refused.Path));
            throw;
        }
    }

    /// <summary>
    /// The first item of a list that is refused on its own, so that the error names the source of that item (the file,
    /// or its own indexed variable such as <c>…__STATES__5</c>) rather than that of the first item; null when each is accepted.
    /// </summary>
    private static (string Path, string? Value)? FirstInvalid(OptionDescriptor descriptor, IEnumerable<(string Path, string? Value)> items)
    {
        foreach ((string Path, string? Value) item in items)
        {
            try
            {
                descriptor.Parse(item.Value, source: null);
            }
            catch (AcodeDbException)
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>Where the effective value of <paramref name="key"/> comes from: a file path, an environment variable, or the provider's own name.</summary>
    public static string SourceOf(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return "the host's configuration";
        }

        foreach (IConfigurationProvider provider in root.Providers.Reverse())
        {
            if (provider.TryGet(key, out _))
            {
                return Describe(provider, key);
            }
        }

        return "the host's configuration";
    }

    /// <summary>
    /// Where <paramref name="key"/> (e.g. <c>persistence:redaction:rules:0:kind</c>) or the nearest section above it that
    /// a source sets comes from (a list given whole in one environment variable sets its section only); null when no
    /// source sets it (a default, or a value set in code).
    /// </summary>
    public static string? FindSource(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return null;
        }

        for (string? path = key; !string.IsNullOrEmpty(path) && !string.Equals(path, PersistenceOptions.SectionName, StringComparison.OrdinalIgnoreCase); path = ConfigurationPath.GetParentPath(path))
        {
            foreach (IConfigurationProvider provider in root.Providers.Reverse())
            {
                if (provider.TryGet(path, out _))
                {
                    return Describe(provider, path);
                }

                if (provider.GetChildKeys([], path).Any())
                {
                    return Describe(provider, key); // sets other keys of that section: the key itself belongs there too
                }
            }
        }

        return null;
    }

    /// <summary>The path of the last configuration file that sets <paramref name="key"/>, and its value there; null when no file does.</summary>
    public static (string Path, string? Value)? FileValue(IConfiguration configuration, string key)
    {
        if (configuration is IConfigurationRoot root)
        {
            foreach (IConfigurationProvider provider in root.Providers.Reverse())
            {
                if (provider is FileConfigurationProvider file && provider.TryGet(key, out string? value))
                {
                    return (PathOf(file), value);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A top-level key of the workspace's <c>.agent/config.json</c> other than <c>persistence</c> (and <c>$schema</c>, for
    /// editors) is refused like an unknown key under it: a misspelt section would otherwise leave every setting in it
    /// silently at its default. A host's own configuration files, and the <c>ACODE_</c> variables (ACODE_WORKSPACE,
    /// ACODE_POSTGRES_URL), have other top-level keys and are not checked.
    /// </summary>
    private static void CheckTopLevel(IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return;
        }

        string workspaceFile = Path.DirectorySeparatorChar + Path.Combine(Workspace.AgentFolderName, Workspace.ConfigFileName);
        foreach (FileConfigurationProvider file in root.Providers.OfType<FileConfigurationProvider>())
        {
            string path = PathOf(file);
            if (!path.EndsWith(workspaceFile, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (string key in file.GetChildKeys([], parentPath: null).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!string.Equals(key, PersistenceOptions.SectionName, StringComparison.OrdinalIgnoreCase) && !string.Equals(key, SchemaKey, StringComparison.Ordinal))
                {
                    bool close = EditDistance.Between(key.ToUpperInvariant(), PersistenceOptions.SectionName.ToUpperInvariant()) <= 3;
                    throw AcodeErrors.UnknownConfigurationSection(key, path, close ? PersistenceOptions.SectionName : null);
                }
            }
        }

        CheckVariableSections(root);
    }

    /// <summary>
    /// Refuses an <c>ACODE_</c> variable that was meant for a setting but names no section acode has: its first part
    /// a few typos from <c>PERSISTENCE</c> (<c>ACODE_PERSISTANCE__SQLITE__…</c>) or joined to the next with one
    /// underscore (<c>ACODE_PERSISTENCE_SQLITE__…</c>). Such a variable set nothing, without a word (trial AM 5), where
    /// the same typo in the file is refused. Other <c>ACODE_</c> variables (<c>ACODE_POSTGRES_URL</c>, a tool's own) are
    /// not settings and stay allowed.
    /// </summary>
    private static void CheckVariableSections(IConfigurationRoot root)
    {
        string section = PersistenceOptions.SectionName.ToUpperInvariant();
        foreach (EnvironmentVariablesConfigurationProvider variables in root.Providers.OfType<EnvironmentVariablesConfigurationProvider>())
        {
            if (!string.Equals(EnvironmentPrefix().Match(variables.ToString() ?? string.Empty) is { Success: true } m ? m.Groups[1].Value : null, "ACODE_", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (string key in variables.GetChildKeys([], parentPath: null).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                string upper = key.ToUpperInvariant();
                if (upper == section)
                {
                    continue;
                }

                bool misspelt = EditDistance.Between(upper, section) <= 3 && variables.GetChildKeys([], key).Any();
                bool joined = upper.StartsWith(section + "_", StringComparison.Ordinal);
                if (!misspelt && !joined)
                {
                    continue;
                }

                string first = Leaves(variables, key).First();
                string rest = joined ? upper[(section.Length + 1)..] + first[key.Length..] : first[(key.Length + 1)..];
                string? meant = SettingSpelt(rest);

                // A variable only joined to PERSISTENCE_ names a setting only when its parts spell one (ACODE_PERSISTENCE_DIR
                // may be another tool's: trial AN 5); a misspelt PERSISTANCE__ with parts is acode's in any case.
                if (meant is null && joined)
                {
                    continue;
                }

                throw AcodeErrors.UnknownConfigurationVariable(
                    Describe(variables, first)["the environment variable ".Length..],
                    Describe(variables, meant ?? section + ":" + rest)["the environment variable ".Length..]);
            }
        }
    }

    /// <summary>
    /// The setting whose key under <c>persistence</c> <paramref name="rest"/> spells, its parts apart by <c>:</c> or by one
    /// <c>_</c> (<c>SQLITE:BUSYTIMEOUTSECONDS</c>, <c>SQLITE_BUSYTIMEOUTSECONDS</c>), any letter case; null when none does.
    /// </summary>
    private static string? SettingSpelt(string rest)
    {
        string flat = rest.Replace(':', '_');
        return PersistenceOptionCatalog.All.FirstOrDefault(d => string.Equals(
            d.Key[(PersistenceOptions.SectionName.Length + 1)..].Replace(':', '_'), flat, StringComparison.OrdinalIgnoreCase))?.Key;
    }

    /// <summary>The full keys <paramref name="provider"/> holds under <paramref name="key"/> (itself when it has a value).</summary>
    private static IEnumerable<string> Leaves(IConfigurationProvider provider, string key)
    {
        if (provider.TryGet(key, out _))
        {
            yield return key;
        }

        foreach (string child in provider.GetChildKeys([], key).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            foreach (string leaf in Leaves(provider, key + ":" + child))
            {
                yield return leaf;
            }
        }
    }

    private static void CheckKnown(IConfiguration configuration, IConfigurationSection leaf)
    {
        if (PersistenceOptionCatalog.Find(leaf.Path) is not null || string.IsNullOrEmpty(leaf.Value))
        {
            return; // known, or an empty object / empty value: nothing set
        }

        string source = SourceOf(configuration, leaf.Path);
        OptionDescriptor? owner = PersistenceOptionCatalog.All.FirstOrDefault(d => leaf.Path.StartsWith(d.Key + ":", StringComparison.OrdinalIgnoreCase));
        if (owner is { Kind: OptionKind.ChoiceList } && int.TryParse(leaf.Path[(owner.Key.Length + 1)..], out _))
        {
            return; // an item of a list
        }

        if (owner is { Kind: OptionKind.ObjectList } && leaf.Path[(owner.Key.Length + 1)..].Split(':') is [string index, string field]
            && int.TryParse(index, out _) && owner.ItemFields.Contains(field, StringComparer.OrdinalIgnoreCase))
        {
            return; // a field of an item of a list of objects
        }

        if (owner is { Kind: OptionKind.ObjectList } && leaf.Path[(owner.Key.Length + 1)..].Split(':') is [string item, string unknown] && int.TryParse(item, out _))
        {
            // An item's key no item has (trial AM 6: "patern" was reported as the whole list being "(a JSON object or array)").
            string? closest = owner.ItemFields.FirstOrDefault(f => EditDistance.Between(f.ToUpperInvariant(), unknown.ToUpperInvariant()) <= 2);
            throw AcodeErrors.UnknownConfigurationKey(leaf.Path, source, closest is null ? null : $"{owner.Key}:{item}:{closest}",
                owner.ItemFields.Select(f => $"{owner.Key}:{item}:{f}"));
        }

        if (owner is not null)
        {
            throw owner.Invalid("(a JSON object or array)", source);
        }

        string? section = PersistenceOptionCatalog.Sections.Prepend(PersistenceOptions.SectionName)
            .FirstOrDefault(s => string.Equals(s, leaf.Path, StringComparison.OrdinalIgnoreCase));
        if (section is not null)
        {
            throw SectionInvalid(section, leaf.Value, source);
        }

        throw AcodeErrors.UnknownConfigurationKey(leaf.Path, source, Suggest(leaf.Path), PersistenceOptionCatalog.All.Select(d => d.Key));
    }

    /// <summary>
    /// An empty JSON object or array in a configuration file where a value, a list or a section belongs
    /// (<see cref="ConfigFileEmptyValues"/>) is refused as a non-empty one is: the provider drops it, which would keep the
    /// default in silence.
    /// </summary>
    private static void CheckEmptyValues(IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return;
        }

        foreach (JsonConfigurationProvider file in root.Providers.OfType<JsonConfigurationProvider>())
        {
            string path = PathOf(file);
            if ((file is WorkspaceConfigFileProvider workspace ? workspace.EmptyValue : ConfigFileEmptyValues.Find(path)) is not { } found)
            {
                continue;
            }

            // The shape in words, never a value: it is shown for a secret setting too.
            throw PersistenceOptionCatalog.Find(found.Key) is { } descriptor
                ? AcodeErrors.InvalidConfiguration(descriptor.Key, found.Shown, descriptor.AcceptedValues, path)
                : SectionInvalid(found.Key, found.Shown, path);
        }
    }

    /// <summary>ACODE-DB-007 for a section (<c>persistence:sqlite</c>) given something other than a JSON object, listing its keys.</summary>
    private static AcodeDbException SectionInvalid(string section, string shown, string source)
    {
        string keys = section == PersistenceOptions.SectionName
            ? string.Join(", ", PersistenceOptionCatalog.Sections.Select(s => s[(PersistenceOptions.SectionName.Length + 1)..]))
            : string.Join(", ", PersistenceOptionCatalog.All.Where(d => d.Section == section).Select(d => d.Name));
        return AcodeErrors.InvalidConfiguration(section, shown, $"a JSON object with the keys {keys}", source);
    }

    /// <summary>The known key the user probably meant: the same name in another section, a longer name it begins, or a key a few typos away.</summary>
    private static string? Suggest(string key)
    {
        string name = key[(key.LastIndexOf(':') + 1)..];
        OptionDescriptor? sameName = PersistenceOptionCatalog.All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
        if (sameName is not null)
        {
            return sameName.Key;
        }

        OptionDescriptor? truncated = PersistenceOptionCatalog.All.FirstOrDefault(d => d.Key.StartsWith(key, StringComparison.OrdinalIgnoreCase));
        if (truncated is not null)
        {
            return truncated.Key;
        }

        (string Key, int Distance) best = PersistenceOptionCatalog.All
            .Select(d => (d.Key, Distance: EditDistance.Between(d.Key.ToUpperInvariant(), key.ToUpperInvariant())))
            .MinBy(c => c.Distance);
        return best.Distance <= 3 ? best.Key : null;
    }

    private static IEnumerable<IConfigurationSection> Leaves(IConfigurationSection section)
    {
        bool any = false;
        foreach (IConfigurationSection child in section.GetChildren())
        {
            any = true;
            foreach (IConfigurationSection leaf in Leaves(child))
            {
                yield return leaf;
            }
        }

        if (!any && section.Value is not null)
        {
            yield return section;
        }
    }

    private static string Describe(IConfigurationProvider provider, string key) => provider switch
    {
        FileConfigurationProvider file => PathOf(file),
        EnvironmentVariablesConfigurationProvider => "the environment variable "
            + EnvironmentPrefix().Match(provider.ToString() ?? string.Empty) switch { { Success: true } m => m.Groups[1].Value, _ => string.Empty }
            + VariableName(key),
        _ => provider.ToString() ?? provider.GetType().Name,
    };

    /// <summary>
    /// The environment variable's part that names <paramref name="key"/>: its parts apart by <c>__</c>, upper case. An unknown
    /// key holding a secret is named with its marker (trial AW W4: <c>ACODE_PERSISTENCE__AKIA…</c> was quoted whole; upper
    /// case, a <c>ghp_</c> token is no longer found).
    /// </summary>
    private static string VariableName(string key)
    {
        string shown = RedactedCut.Redact(SecretRedactor.Default, key);
        var name = new StringBuilder(shown.Length);
        int at = 0;
        for (int marker = shown.IndexOf(SecretValues.MarkerPrefix, StringComparison.Ordinal); marker >= 0; marker = shown.IndexOf(SecretValues.MarkerPrefix, at, StringComparison.Ordinal))
        {
            int end = shown.IndexOf(']', marker);
            end = end < 0 ? shown.Length : end + 1;
            name.Append(Spelt(shown[at..marker])).Append(shown, marker, end - marker);
            at = end;
        }

        return name.Append(Spelt(shown[at..])).ToString();

        static string Spelt(string part) => part.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant();
    }

    private static string PathOf(FileConfigurationProvider file)
        => file.Source.FileProvider?.GetFileInfo(file.Source.Path ?? string.Empty).PhysicalPath ?? file.Source.Path ?? "a configuration file";

    /// <summary>The JSON Schema reference editors add at the top of a JSON file; not a setting.</summary>
    private const string SchemaKey = "$schema";

    [GeneratedRegex("Prefix: '([^']*)'")]
    private static partial Regex EnvironmentPrefix();
}

namespace Acode.Application.Options;

/// <summary>
/// Declares the settings of one options class (one configuration section): each factory method returns the
/// <see cref="OptionDescriptor"/> of one property, with its range, default and meaning written once.
/// </summary>
/// <typeparam name="TSection">The options class the section binds to, e.g. <see cref="Sync.SyncOptions"/>.</typeparam>
internal sealed class OptionSection<TSection>(string path)
    where TSection : class
{
    public string Path { get; } = path;

    /// <summary>A whole-number setting from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public OptionDescriptor Integer(
        string name, string unit, long defaultValue, long minimum, long maximum,
        Func<TSection, long> get, Action<TSection, long> set, string description, string? constraint = null)
        => new(Path, name, OptionKind.WholeNumber, description, defaultValue, s => get((TSection)s), (s, v) => set((TSection)s, (long)v!))
        {
            Unit = unit,
            Minimum = minimum,
            Maximum = maximum,
            Constraint = constraint,
        };

    /// <summary>A setting that takes one of the names of <typeparamref name="TEnum"/> (numbers are refused).</summary>
    public OptionDescriptor Choice<TEnum>(string name, TEnum defaultValue, Func<TSection, TEnum> get, Action<TSection, TEnum> set, string description)
        where TEnum : struct, Enum
        => new(Path, name, OptionKind.Choice, description, defaultValue, s => get((TSection)s), (s, v) => set((TSection)s, Enum.Parse<TEnum>((string)v!, ignoreCase: true)))
        {
            Choices = Enum.GetNames<TEnum>(),
        };

    /// <summary>A setting that takes a list of names of <typeparamref name="TEnum"/> (numbers are refused); empty by default.</summary>
    public OptionDescriptor ChoiceList<TEnum>(string name, Func<TSection, IReadOnlyList<string>> get, Action<TSection, IReadOnlyList<string>> set, string description)
        where TEnum : struct, Enum
        => new(Path, name, OptionKind.ChoiceList, description, Array.Empty<string>(), s => get((TSection)s), (s, v) => set((TSection)s, (IReadOnlyList<string>)v!))
        {
            Choices = Enum.GetNames<TEnum>(),
        };

    /// <summary>A setting that takes a list of names from <paramref name="choices"/> (compared in any letter case); empty by default.</summary>
    public OptionDescriptor ChoiceList(string name, IReadOnlyList<string> choices, Func<TSection, IReadOnlyList<string>> get, Action<TSection, IReadOnlyList<string>> set, string description)
        => new(Path, name, OptionKind.ChoiceList, description, Array.Empty<string>(), s => get((TSection)s), (s, v) => set((TSection)s, (IReadOnlyList<string>)v!))
        {
            Choices = choices,
        };

    /// <summary>A setting that takes a list of objects with the fields <paramref name="fields"/>, of the form <paramref name="format"/>; empty by default.</summary>
    public OptionDescriptor ObjectList(
        string name, string format, IReadOnlyList<string> fields, Func<TSection, System.Collections.IEnumerable> get,
        Action<TSection, IReadOnlyList<IReadOnlyDictionary<string, string?>>> set, string description)
        => new(Path, name, OptionKind.ObjectList, description, Array.Empty<object>(), s => get((TSection)s), (s, v) => set((TSection)s, (IReadOnlyList<IReadOnlyDictionary<string, string?>>)v!))
        {
            Format = format,
            ItemFields = fields,
        };

    /// <summary>A <c>true</c>/<c>false</c> setting.</summary>
    public OptionDescriptor Boolean(string name, bool defaultValue, Func<TSection, bool> get, Action<TSection, bool> set, string description)
        => new(Path, name, OptionKind.Boolean, description, defaultValue, s => get((TSection)s), (s, v) => set((TSection)s, (bool)v!));

    /// <summary>A free-text setting of the form <paramref name="format"/>, checked by its consumer; <paramref name="secret"/> keeps its value out of every message.</summary>
    public OptionDescriptor Text(string name, string format, Func<TSection, string?> get, Action<TSection, string?> set, string description, bool secret = false)
        => new(Path, name, OptionKind.Text, description, null, s => get((TSection)s), (s, v) => set((TSection)s, (string?)v))
        {
            Format = format,
            IsSecret = secret,
        };
}

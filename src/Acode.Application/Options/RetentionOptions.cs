namespace Acode.Application.Options;

/// <summary>
/// Automatic removal of old sessions (configuration section <c>persistence:retention</c>); off by default. When on, an agent
/// host removes, at most once an hour, the local sessions last changed more than <see cref="OlderThanDays"/> days ago (in
/// <see cref="States"/> when any are given), as <c>acode db prune</c> does without <c>--remote</c>; and <c>acode db prune</c>
/// without <c>--older-than</c> uses these settings.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>The largest accepted <see cref="OlderThanDays"/>: 36 500 days (about 100 years).</summary>
    public const int MaxOlderThanDays = 36_500;

    /// <summary>Sessions last changed more than this many days ago are removed. 0 (the default) turns retention off; at most 36500.</summary>
    public int OlderThanDays { get; set; }

    /// <summary>Only sessions in these states (names of <see cref="SessionState"/>, any case); empty (the default): any state.</summary>
    public List<string> States { get; set; } = [];

    /// <summary>True when <see cref="OlderThanDays"/> is set.</summary>
    public bool Enabled => OlderThanDays > 0;

    /// <summary><see cref="States"/> parsed (call <see cref="Validate"/> first).</summary>
    public IReadOnlyList<SessionState> ParsedStates => States.Select(s => Enum.Parse<SessionState>(s.Trim(), ignoreCase: true)).Distinct().ToList();

    /// <summary>The declarations of this section's settings: key, range, default, meaning (README table, binding, <see cref="Validate"/>).</summary>
    internal static IReadOnlyList<OptionDescriptor> Descriptors { get; } =
    [
        Section.Integer("olderThanDays", "days", 0, 0, MaxOlderThanDays, o => o.OlderThanDays, (o, v) => o.OlderThanDays = (int)v,
            "sessions last changed more than this many days ago are removed locally by an agent host (at most hourly) and by `acode db prune` without `--older-than`; 0 turns retention off"),
        Section.ChoiceList<SessionState>("states", o => o.States, (o, v) => o.States = [.. v],
            "only sessions in these states are removed by retention; none: any state"),
    ];

    private static OptionSection<RetentionOptions> Section => new("persistence:retention");

    /// <summary>Checks every value against its declaration in <see cref="Descriptors"/>.</summary>
    /// <exception cref="Errors.AcodeDbException">ACODE-DB-007 naming the first invalid key.</exception>
    public void Validate()
    {
        foreach (OptionDescriptor descriptor in Descriptors)
        {
            descriptor.Check(this);
        }
    }
}

using System.Globalization;
using Acode.Application.Errors;

namespace Acode.Application.Options;

/// <summary>
/// Automatic removal of old sessions (configuration section <c>persistence:retention</c>); off by default. When on, an agent
/// host removes, at most once an hour, the local sessions last changed more than <see cref="OlderThanDays"/> days ago (in
/// <see cref="States"/> when any are given), as <c>acode db prune</c> does without <c>--remote</c>; and <c>acode db prune</c>
/// without <c>--older-than</c> uses these settings.
/// </summary>
public sealed class RetentionOptions
{
    public const int MaxOlderThanDays = 36_500;

    /// <summary>Sessions last changed more than this many days ago are removed. 0 (the default) turns retention off; at most 36500.</summary>
    public int OlderThanDays { get; set; }

    /// <summary>Only sessions in these states (names of <see cref="SessionState"/>, any case); empty (the default): any state.</summary>
    public List<string> States { get; set; } = [];

    /// <summary>True when <see cref="OlderThanDays"/> is set.</summary>
    public bool Enabled => OlderThanDays > 0;

    /// <summary><see cref="States"/> parsed (call <see cref="Validate"/> first).</summary>
    public IReadOnlyList<SessionState> ParsedStates => States.Select(s => Enum.Parse<SessionState>(s.Trim(), ignoreCase: true)).Distinct().ToList();

    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the first invalid key.</exception>
    public void Validate(string section = "persistence:retention")
    {
        if (OlderThanDays is < 0 or > MaxOlderThanDays)
        {
            throw AcodeErrors.InvalidConfiguration($"{section}:olderThanDays", OlderThanDays.ToString(CultureInfo.InvariantCulture), "a whole number of days from 1 to 36500, or 0 to turn retention off (default 0)");
        }

        for (int i = 0; i < States.Count; i++)
        {
            string state = States[i] ?? string.Empty;
            if (!Enum.TryParse(state.Trim(), ignoreCase: true, out SessionState parsed) || !Enum.IsDefined(parsed) || int.TryParse(state, out _))
            {
                throw AcodeErrors.InvalidConfiguration($"{section}:states:{i}", state, $"a list of session states: {string.Join(", ", Enum.GetNames<SessionState>())} (default: empty, any state)");
            }
        }
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Acode.Cli;

/// <summary>
/// Reads a point in time given on the command line by the one rule of acode's output: UTC. A time without an offset
/// is UTC whatever the machine's time zone (so a time copied from the output means what it meant there); an explicit
/// offset is honoured; a duration such as <c>2h</c> means that long before now.
/// </summary>
internal static partial class TimeArgument
{
    /// <summary>The accepted forms, as <c>--help</c> and every error state them.</summary>
    public const string Forms = "UTC unless an offset is given: 2026-11-30 (UTC midnight), 2026-11-30T14:05, 2026-11-30T14:05:00Z, "
        + "2026-11-30T06:05:00-08:00; or a time before now: 30m, 2h, 7d, 2w (also s)";

    private static readonly string[] Formats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mmK", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>The instant <paramref name="text"/> names, relative forms counted back from <paramref name="now"/>.</summary>
    /// <exception cref="UsageException">Not one of the <see cref="Forms"/> (exit code 2).</exception>
    public static DateTimeOffset Parse(string text, string option, DateTimeOffset now)
    {
        Match relative = Relative().Match(text);
        if (relative.Success)
        {
            long count = long.Parse(relative.Groups["count"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
            long seconds = relative.Groups["unit"].ValueSpan[0] switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3_600,
                'd' => 86_400,
                _ => 604_800,
            };
            try
            {
                return now.ToUniversalTime().AddSeconds(-(double)(count * seconds));
            }
            catch (ArgumentOutOfRangeException)
            {
                throw Invalid(text, option, "it reaches back before the year 1");
            }
        }

        if (DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset value))
        {
            return value.ToUniversalTime();
        }

        throw Invalid(text, option, null);
    }

    private static UsageException Invalid(string text, string option, string? why)
        => new($"{option} '{ParseErrorMessages.Shown(text)}' is not a time{(why is null ? "" : $" ({why})")}. Accepted: {Forms}.", $"{option} 2026-11-30 (from UTC midnight), {option} 2026-11-30T09:00:00+02:00, or {option} 7d (7 days before now).");

    // A count and a unit; the sign is implied (the past), so "-2h" is refused rather than guessed.
    [GeneratedRegex("^(?<count>[0-9]{1,9})(?<unit>[smhdw])$", RegexOptions.CultureInvariant)]
    private static partial Regex Relative();
}

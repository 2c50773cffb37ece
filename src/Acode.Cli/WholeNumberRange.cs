using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Acode.Cli;

/// <summary>
/// The parser of a whole-number option with a fixed range (<c>--limit</c>, <c>--sessions</c>): a value outside it, also
/// one too large for any number type, gets the range's one message, <c>--limit must be between 1 and 1000 (got
/// 99999999999).</c>, never the number type's limits; a value that is not a whole number gets "expected a whole
/// number". Both are command-line errors (exit 2).
/// </summary>
internal static class WholeNumberRange
{
    /// <summary>A parser for the option typed as <paramref name="name"/> taking <paramref name="minimum"/> to <paramref name="maximum"/>, both included.</summary>
    public static Func<ArgumentResult, int> Parser(string name, int minimum, int maximum)
        => result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (!BigInteger.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out BigInteger value))
            {
                result.AddError($"'{ParseErrorMessages.Shown(text)}' is not a valid value for {name}: expected a whole number.");
                return 0;
            }

            if (value < minimum || value > maximum)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {minimum} and {maximum} (got {ParseErrorMessages.Shown(text.Trim())})."));
                return 0;
            }

            return (int)value;
        };
}

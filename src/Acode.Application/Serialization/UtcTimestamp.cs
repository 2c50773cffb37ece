using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Acode.Application.Serialization;

/// <summary>
/// The one timestamp format of the store: ISO-8601 UTC with exactly seven fractional digits (100 ns),
/// e.g. <c>2026-01-15T10:30:00.1234567Z</c>. Fixed width, so text order is time order; used in SQLite
/// columns, JSON payloads and idempotency keys alike.
/// </summary>
internal static class UtcTimestamp
{
    public const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    public static string? Format(DateTimeOffset? value) => value is { } v ? Format(v) : null;

    public static DateTimeOffset Parse(string text)
        => TryParse(text, out DateTimeOffset value) ? value : throw new FormatException($"'{text}' is not a timestamp in the form {Pattern}.");

    public static bool TryParse([NotNullWhen(true)] string? text, out DateTimeOffset value)
    {
        if (DateTime.TryParseExact(text, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime parsed))
        {
            value = new DateTimeOffset(parsed, TimeSpan.Zero);
            return true;
        }

        value = default;
        return false;
    }
}

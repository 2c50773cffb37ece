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

    /// <summary>
    /// <see cref="Parse(string)"/> of UTF-8 text (as SQLite hands a column over): the same values and the same
    /// <see cref="FormatException"/>, without making a string of a well-formed timestamp.
    /// </summary>
    public static DateTimeOffset Parse(ReadOnlySpan<byte> utf8)
        => TryParseCanonical(utf8, out DateTimeOffset value) ? value : Parse(System.Text.Encoding.UTF8.GetString(utf8));

    /// <summary>
    /// Reads text that is exactly <see cref="Pattern"/> (ASCII digits, the literal separators, a real date and time), which
    /// <see cref="DateTime.TryParseExact(string, string, IFormatProvider, DateTimeStyles, out DateTime)"/> reads to the same
    /// value; false for anything else, which the caller leaves to that general parser, so what is accepted does not change.
    /// </summary>
    private static bool TryParseCanonical(ReadOnlySpan<byte> t, out DateTimeOffset value)
    {
        value = default;
        if (t.Length != 28 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != '.' || t[27] != 'Z'
            || !Digits(t, 0, 4, out int year) || !Digits(t, 5, 2, out int month) || !Digits(t, 8, 2, out int day)
            || !Digits(t, 11, 2, out int hour) || !Digits(t, 14, 2, out int minute) || !Digits(t, 17, 2, out int second)
            || !Digits(t, 20, 7, out int fraction)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fraction), TimeSpan.Zero);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> t, int start, int count, out int number)
    {
        number = 0;
        for (int i = start; i < start + count; i++)
        {
            int digit = t[i] - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            number = (number * 10) + digit;
        }

        return true;
    }

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

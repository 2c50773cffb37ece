namespace Acode.Domain.Text;

/// <summary>
/// The JSON numbers PostgreSQL's <c>numeric</c> (and so <c>jsonb</c>) can hold: the first significant digit at most
/// 131071 places before the decimal point (below 10^131072), at most 16383 digits after it (counting the digits written,
/// trailing zeros included, shifted by the exponent), and an exponent below 2^30 in size even for zero. Anything else
/// PostgreSQL refuses with "value overflows numeric format" (SQLSTATE 22003).
/// </summary>
internal static class NumericRange
{
    /// <summary>Places of the first significant digit before the decimal point, at most (10^131071 is the largest power).</summary>
    public const int MaxIntegerDigits = 131072;

    /// <summary>Digits after the decimal point, at most.</summary>
    public const int MaxFractionDigits = 16383;

    private const long MaxExponent = (int.MaxValue / 2) - 1;

    public const string Description = "numbers must be below 10^131072 in size and have at most 16383 digits after the decimal point";

    /// <summary>True when <paramref name="number"/> (a JSON number's UTF-8 text, already valid JSON) fits PostgreSQL's <c>numeric</c>.</summary>
    public static bool Contains(ReadOnlySpan<byte> number)
    {
        int i = number.Length > 0 && number[0] == '-' ? 1 : 0;
        int integerDigits = 0, fractionDigits = 0;
        int firstSignificant = -1; // index among all digits written (integer then fraction)
        int digitIndex = 0;
        bool fraction = false;
        for (; i < number.Length && number[i] is not (byte)'e' and not (byte)'E'; i++)
        {
            if (number[i] == '.')
            {
                fraction = true;
                continue;
            }

            if (number[i] != '0' && firstSignificant < 0)
            {
                firstSignificant = digitIndex;
            }

            _ = fraction ? fractionDigits++ : integerDigits++;
            digitIndex++;
        }

        long exponent = 0;
        if (i < number.Length)
        {
            i++;
            bool negative = false;
            if (number[i] is (byte)'+' or (byte)'-')
            {
                negative = number[i] == '-';
                i++;
            }

            for (; i < number.Length; i++)
            {
                exponent = Math.Min((exponent * 10) + (number[i] - '0'), MaxExponent + 1);
            }

            exponent = negative ? -exponent : exponent;
        }

        if (exponent > MaxExponent)
        {
            return false;
        }

        // PostgreSQL: dscale = digits after the point - exponent (not below 0); weight from the first significant digit.
        if (Math.Max(0, fractionDigits - exponent) > MaxFractionDigits)
        {
            return false;
        }

        if (firstSignificant < 0)
        {
            return true; // zero
        }

        long placeOfFirst = integerDigits - 1 - firstSignificant + exponent; // 10^placeOfFirst
        return placeOfFirst < MaxIntegerDigits;
    }
}

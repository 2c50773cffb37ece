using System.Text;
using System.Text.Json;

namespace Acode.Domain.Text;

/// <summary>
/// Checks that text handed in as JSON (tool arguments, event payloads) is one well-formed JSON value that PostgreSQL's
/// <c>jsonb</c> can hold as well: nested at most <see cref="MaxDepth"/> deep, every number within the range of
/// PostgreSQL's <c>numeric</c> (<see cref="NumericRange"/>). Escapes PostgreSQL refuses (<c>\u0000</c>, an unpaired
/// surrogate) are accepted here and carried to PostgreSQL as <c>\uFFFD</c> (docs/json-format.md).
/// </summary>
internal static class JsonText
{
    /// <summary>The deepest nesting accepted; deeper documents are refused rather than risking the reader's stack.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions Options = new() { MaxDepth = MaxDepth };

    /// <exception cref="ArgumentException">
    /// The text is not one JSON value, nests deeper than <see cref="MaxDepth"/>, or holds a number outside
    /// <see cref="NumericRange"/>; the message says which.
    /// </exception>
    public static string Validate(string json, string paramName)
    {
        ArgumentNullException.ThrowIfNull(json, paramName);
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        try
        {
            var reader = new Utf8JsonReader(utf8, Options);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.Number && !NumericRange.Contains(reader.ValueSpan))
                {
                    string number = Encoding.UTF8.GetString(reader.ValueSpan);
                    throw new ArgumentException(
                        $"{paramName} holds the number {(number.Length > 40 ? number[..40] + "…" : number)}, which PostgreSQL cannot store: {NumericRange.Description}. Send it as a JSON string instead.",
                        paramName);
                }
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"{paramName} must be one JSON value nested at most {MaxDepth} deep: {ex.Message}", paramName, ex);
        }

        return json;
    }
}

using System.Text.Json;

namespace Acode.Domain.Text;

/// <summary>Checks that text handed in as JSON (tool arguments, event payloads) is one well-formed JSON value.</summary>
public static class JsonText
{
    /// <summary>The deepest nesting accepted; deeper documents are refused rather than risking the reader's stack.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth };

    /// <exception cref="ArgumentException">The text is not one JSON value, or nests deeper than <see cref="MaxDepth"/>.</exception>
    public static string Validate(string json, string paramName)
    {
        ArgumentNullException.ThrowIfNull(json, paramName);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"{paramName} must be one JSON value nested at most {MaxDepth} deep: {ex.Message}", paramName, ex);
        }

        return json;
    }
}

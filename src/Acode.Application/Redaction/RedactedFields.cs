using Acode.Application.Serialization;

namespace Acode.Application.Redaction;

/// <summary>
/// Counts an imported version's redactions only in the fields it changes. An import writes a newer version of a row
/// whole (a grown transcript raises the session's version on every line), and its scan finds again the secrets an
/// earlier version's scan counted: a field whose stored value is the same as the one written (both redacted) was counted
/// when it was first written (docs/secrets.md, "importing the same file twice counts nothing twice").
/// </summary>
internal static class RedactedFields
{
    /// <summary>
    /// The stored values of the fields <see cref="EntityRedaction.RedactFields"/> scans, in its order, from a document in
    /// stored form (a blob's hash stands for the text it holds; an artifact's content hash for its content).
    /// </summary>
    public static string?[] Of(EntityDocument document) => document switch
    {
        SessionDocument s => [s.Title, s.Goal],
        SessionTaskDocument t => [t.Title, t.Description],
        StepDocument p => [p.Title, p.Description],
        ToolCallDocument c => [c.ArgumentsBlob ?? c.Arguments, c.ResultBlob ?? c.Result, c.Error, c.ToolName],
        ArtifactDocument a => [a.Name, a.ContentHash, a.MediaType],
        SessionEventDocument e => [e.Payload, e.Type],
        _ => [],
    };

    /// <summary>
    /// Adds to <paramref name="counts"/> what each field of <paramref name="byField"/> had replaced, unless the field's
    /// value in <paramref name="written"/> equals its value in <paramref name="stored"/> (all count when nothing is stored).
    /// </summary>
    /// <param name="counts">The import's running total.</param>
    /// <param name="byField">From <see cref="EntityRedaction.RedactFields"/>, in <see cref="Of"/>'s order.</param>
    /// <param name="written">The fields' values written (<see cref="Of"/> of the stored form written).</param>
    /// <param name="stored">The fields' values of the row replaced, or null for a new row.</param>
    public static void CountChanged(RedactionCounts counts, RedactionCounts[] byField, string?[] written, string?[]? stored)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(byField);
        ArgumentNullException.ThrowIfNull(written);
        for (int i = 0; i < byField.Length; i++)
        {
            bool same = stored is not null && i < stored.Length && i < written.Length && string.Equals(stored[i], written[i], StringComparison.Ordinal);
            if (!same)
            {
                counts.Add(byField[i]);
            }
        }
    }
}

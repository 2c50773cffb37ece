using System.Text;

namespace Acode.Application.Redaction;

/// <summary>
/// Applies an <see cref="ISecretRedactor"/> to the stored text of one entity, in place, before a store writes it: tool-call
/// arguments (as JSON), results and errors, event payloads (as JSON), artifact content that is UTF-8 text, and the free-text
/// labels (session title and goal, task and step titles and descriptions, artifact names), which importers build from
/// transcript content. Identifiers (tool names, event types, media types) and binary content are left alone.
/// </summary>
internal static class EntityRedaction
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <returns>True when something was replaced (<paramref name="counts"/> says what).</returns>
    public static bool Redact(ISecretRedactor redactor, Entity entity, RedactionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(redactor);
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(counts);
        if (!redactor.Enabled)
        {
            return false;
        }

        long before = counts.Total;
        switch (entity)
        {
            case ToolCall call:
                string arguments = redactor.RedactJson(call.ArgumentsJson, counts);
                string? result = call.Result is null ? null : redactor.Redact(call.Result, counts);
                string? error = call.Error is null ? null : redactor.Redact(call.Error, counts);
                if (counts.Total != before)
                {
                    call.ReplaceRedacted(arguments, result, error);
                }

                break;
            case SessionEvent evt:
                string payload = redactor.RedactJson(evt.PayloadJson, counts);
                if (counts.Total != before)
                {
                    evt.ReplaceRedacted(payload);
                }

                break;
            case Session session:
                string sessionTitle = redactor.Redact(session.Title, counts);
                string? goal = session.Goal is null ? null : redactor.Redact(session.Goal, counts);
                if (counts.Total != before)
                {
                    session.ReplaceRedacted(sessionTitle, goal);
                }

                break;
            case WorkItem item:
                string itemTitle = redactor.Redact(item.Title, counts);
                string? description = item.Description is null ? null : redactor.Redact(item.Description, counts);
                if (counts.Total != before)
                {
                    item.ReplaceRedacted(itemTitle, description);
                }

                break;
            case Artifact artifact:
                RedactArtifact(redactor, artifact, counts);
                break;
        }

        return counts.Total != before;
    }

    private static void RedactArtifact(ISecretRedactor redactor, Artifact artifact, RedactionCounts counts)
    {
        long before = counts.Total;
        string name = redactor.Redact(artifact.Name, counts);
        if (counts.Total != before)
        {
            artifact.ReplaceRedactedName(name);
        }

        if (artifact.Content is { } content && TryDecode(content.Span, out string? text))
        {
            before = counts.Total;
            string redacted = redactor.Redact(text, counts);
            if (counts.Total != before)
            {
                artifact.ReplaceRedactedContent(StrictUtf8.GetBytes(redacted));
            }
        }
    }

    private static bool TryDecode(ReadOnlySpan<byte> content, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        // Only text is scanned: content that is not valid UTF-8 (an image, an archive) is kept as it is.
        if (content.IsEmpty || !System.Text.Unicode.Utf8.IsValid(content))
        {
            text = null;
            return false;
        }

        text = StrictUtf8.GetString(content);
        return true;
    }
}

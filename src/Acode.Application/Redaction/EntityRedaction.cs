using System.Text;

namespace Acode.Application.Redaction;

/// <summary>
/// Applies an <see cref="ISecretRedactor"/> to the stored text of one entity, in place, before a store writes it: tool-call
/// arguments (as JSON), results and errors, event payloads (as JSON), artifact content that <see cref="ArtifactText"/>
/// reads as text (UTF-8, or declared text in UTF-16 or Latin-1), and the free-text
/// labels (session title and goal, task and step titles and descriptions, artifact names), which importers build from
/// transcript content, and the names callers give (tool names, event types, media types: free text, trial AU 5). Other
/// binary content is left alone.
/// </summary>
internal static class EntityRedaction
{
    /// <returns>True when something was replaced (<paramref name="counts"/> says what).</returns>
    public static bool Redact(ISecretRedactor redactor, Entity entity, RedactionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        long before = counts.Total;
        foreach (RedactionCounts field in RedactFields(redactor, entity))
        {
            counts.Add(field);
        }

        return counts.Total != before;
    }

    /// <summary>
    /// Redacts as <see cref="Redact"/>, counting each scanned field apart, in the order <see cref="RedactedFields.Of"/>
    /// gives their stored values: session title, goal; task or step title, description; tool-call arguments, result,
    /// error, tool name; artifact name, content, media type; event payload, type. An import uses this to count only the
    /// fields it changes.
    /// </summary>
    /// <returns>One count per field of the entity's kind (all empty when the redactor is off).</returns>
    public static RedactionCounts[] RedactFields(ISecretRedactor redactor, Entity entity)
    {
        ArgumentNullException.ThrowIfNull(redactor);
        ArgumentNullException.ThrowIfNull(entity);
        RedactionCounts[] fields = [.. Enumerable.Range(0, FieldCount(entity)).Select(_ => new RedactionCounts())];
        if (!redactor.Enabled)
        {
            return fields;
        }

        switch (entity)
        {
            case ToolCall call:
                string arguments = redactor.RedactJson(call.ArgumentsJson, fields[0]);
                string? result = call.Result is null ? null : redactor.Redact(call.Result, fields[1]);
                string? error = call.Error is null ? null : redactor.Redact(call.Error, fields[2]);
                string toolName = redactor.Redact(call.ToolName, fields[3]);
                if (fields[0].Total + fields[1].Total + fields[2].Total > 0)
                {
                    call.ReplaceRedacted(arguments, result, error);
                }

                if (fields[3].Total > 0)
                {
                    call.ReplaceRedactedToolName(toolName);
                }

                break;
            case SessionEvent evt:
                string payload = redactor.RedactJson(evt.PayloadJson, fields[0]);
                string type = redactor.Redact(evt.Type, fields[1]);
                if (fields[0].Total > 0)
                {
                    evt.ReplaceRedacted(payload);
                }

                if (fields[1].Total > 0)
                {
                    evt.ReplaceRedactedType(type);
                }

                break;
            case Session session:
                string sessionTitle = redactor.Redact(session.Title, fields[0]);
                string? goal = session.Goal is null ? null : redactor.Redact(session.Goal, fields[1]);
                if (Any(fields))
                {
                    session.ReplaceRedacted(sessionTitle, goal);
                }

                break;
            case WorkItem item:
                string itemTitle = redactor.Redact(item.Title, fields[0]);
                string? description = item.Description is null ? null : redactor.Redact(item.Description, fields[1]);
                if (Any(fields))
                {
                    item.ReplaceRedacted(itemTitle, description);
                }

                break;
            case Artifact artifact:
                RedactArtifact(redactor, artifact, fields[0], fields[1]);
                string mediaType = redactor.Redact(artifact.MediaType, fields[2]);
                if (fields[2].Total > 0)
                {
                    artifact.ReplaceRedactedMediaType(mediaType);
                }

                break;
        }

        return fields;
    }

    private static int FieldCount(Entity entity) => entity switch
    {
        ToolCall => 4,
        Artifact => 3,
        SessionEvent or Session or WorkItem => 2,
        _ => 0,
    };

    private static bool Any(RedactionCounts[] fields) => fields.Any(f => f.Total > 0);

    private static void RedactArtifact(ISecretRedactor redactor, Artifact artifact, RedactionCounts nameCounts, RedactionCounts contentCounts)
    {
        string name = redactor.Redact(artifact.Name, nameCounts);
        if (nameCounts.Total > 0)
        {
            artifact.ReplaceRedactedName(name);
        }

        if (artifact.Content is not { } content)
        {
            return;
        }

        // Text in another encoding (a .env or a log in Latin-1 or Windows-1252: trial AU 4; PowerShell's UTF-16: AX X3) is
        // written back in it: every rule's literal and every marker is ASCII, so the bytes around a secret stay as they were.
        // Then the same bytes in the other readings a part of them may be in (ArtifactText.AlsoRead).
        if (!ArtifactText.TryDecode(artifact.MediaType, content.Span, out string? text, out ArtifactTextEncoding? encoding))
        {
            return;
        }

        byte[]? redacted = Redacted(redactor, text, encoding, contentCounts);
        IReadOnlyList<Func<byte[], (string Text, ArtifactTextEncoding Encoding)>> others = ArtifactText.AlsoRead(content.Span, encoding);
        byte[]? current = others.Count == 0 ? null : redacted ?? content.ToArray();
        foreach (Func<byte[], (string Text, ArtifactTextEncoding Encoding)> read in others)
        {
            (string other, ArtifactTextEncoding otherEncoding) = read(current!);
            if (Redacted(redactor, other, otherEncoding, contentCounts) is { } again)
            {
                (current, redacted) = (again, again);
            }
        }

        if (redacted is not null)
        {
            artifact.ReplaceRedactedContent(redacted);
        }
    }

    /// <summary>The bytes of <paramref name="text"/> redacted, in its encoding; null when nothing was found.</summary>
    private static byte[]? Redacted(ISecretRedactor redactor, string text, ArtifactTextEncoding encoding, RedactionCounts counts)
    {
        long before = counts.Total;
        string redacted = redactor.Redact(text, counts);
        return counts.Total == before ? null : encoding.GetBytes(redacted);
    }
}

using System.Text;

namespace Acode.Application.Redaction;

/// <summary>
/// Applies an <see cref="ISecretRedactor"/> to the stored text of one entity, in place, before a store writes it: tool-call
/// arguments (as JSON), results and errors, event payloads (as JSON), artifact content that is UTF-8 text or whose media
/// type says it is text (UTF-16 with its byte order mark, else Latin-1), and the free-text
/// labels (session title and goal, task and step titles and descriptions, artifact names), which importers build from
/// transcript content, and the names callers give (tool names, event types, media types: free text, trial AU 5). Other
/// binary content is left alone.
/// </summary>
internal static class EntityRedaction
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly HashSet<string> TextSubtypes = new(
        ["json", "x-ndjson", "ndjson", "xml", "yaml", "x-yaml", "javascript", "x-javascript", "ecmascript", "toml", "sql", "x-sh", "x-shellscript"],
        StringComparer.OrdinalIgnoreCase);

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

        if (TryDecode(content.Span, out string? text))
        {
            string redacted = redactor.Redact(text, contentCounts);
            if (contentCounts.Total > 0)
            {
                artifact.ReplaceRedactedContent(StrictUtf8.GetBytes(redacted));
            }
        }
        else if (IsDeclaredText(artifact.MediaType) && DecodeOther(content.Span) is ({ } decoded, { } encoding))
        {
            // Text in another encoding (a .env or a log in Latin-1 or Windows-1252: trial AU 4; PowerShell's UTF-16: AX X3)
            // is written back in it: every rule's literal and every marker is ASCII, so the bytes around a secret stay as they were.
            string redacted = redactor.Redact(decoded, contentCounts);
            if (contentCounts.Total > 0)
            {
                artifact.ReplaceRedactedContent(encoding.GetBytes(redacted));
            }
        }
    }

    /// <summary>
    /// Whether the media type says the content is text: <c>text/*</c>, or JSON, XML, YAML, JavaScript, TOML, SQL or a shell
    /// script (also as a <c>+json</c>, <c>+xml</c>, <c>+yaml</c> suffix). Not by the artifact's kind, nor by <c>xml</c>
    /// anywhere in the name: an Office document (<c>…openxmlformats…</c>) is a zip archive (trial AX X2), and replacing bytes
    /// inside an archive or an image breaks it.
    /// </summary>
    private static bool IsDeclaredText(string mediaType)
    {
        string type = mediaType.Split(';')[0].Trim();
        int slash = type.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        string subtype = type[(slash + 1)..];
        return type[..slash].Equals("text", StringComparison.OrdinalIgnoreCase)
            || TextSubtypes.Contains(subtype)
            || subtype.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || subtype.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || subtype.EndsWith("+yaml", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Declared text that is not UTF-8, decoded: UTF-16 after its byte order mark (strict: null when not valid UTF-16),
    /// else Latin-1 byte for byte, unless it holds a NUL byte (binary, as git judges a file).
    /// </summary>
    private static (string? Text, Encoding? Encoding) DecodeOther(ReadOnlySpan<byte> content)
    {
        if (content.Length >= 2 && (content[0], content[1]) is (0xFF, 0xFE) or (0xFE, 0xFF))
        {
            var utf16 = new UnicodeEncoding(bigEndian: content[0] == 0xFE, byteOrderMark: false, throwOnInvalidBytes: true);
            try
            {
                return (utf16.GetString(content), utf16);
            }
            catch (DecoderFallbackException)
            {
                return (null, null);
            }
        }

        return content.IsEmpty || content.Contains((byte)0) ? (null, null) : (Encoding.Latin1.GetString(content), Encoding.Latin1);
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

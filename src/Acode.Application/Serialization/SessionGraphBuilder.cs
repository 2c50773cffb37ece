using Acode.Domain.Text;

namespace Acode.Application.Serialization;

/// <summary>
/// Rebuilds a <see cref="Session"/> (and its events) from documents, exactly as they were saved:
/// same ids, versions and timestamps. Documents must come parents first (session, tasks, steps, tool calls, artifacts).
/// </summary>
/// <remarks>
/// Documents are untrusted input (a file handed to <c>acode session import</c>): every value must be one the domain
/// itself could have produced, or the document is refused. States and kinds are exact names (not numbers, not
/// combinations); titles, tool names, media types and event types are not blank; tool arguments and event payloads
/// are one JSON value at most <see cref="JsonText.MaxDepth"/> deep; artifact names are 1 to
/// <see cref="Artifact.MaxNameLength"/> characters; a document is at most <see cref="DocumentSize.MaxBytes"/> of JSON; an artifact's hash is a lower-case SHA-256 and matches its
/// content and size when the content is there; event sequence numbers are positive. Two events may share a sequence
/// number (PostgreSQL keeps both when two workspaces each added one at it, and <c>session export --remote</c> writes
/// them): the store's import places the later one after the end of the log (docs/architecture.md, "Event sequence numbers").
/// </remarks>
internal sealed class SessionGraphBuilder
{
    private readonly TimeProvider _clock;
    private readonly List<SessionEvent> _events = [];
    private Session? _session;

    public SessionGraphBuilder(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    public Session? Session => _session;

    public IReadOnlyList<SessionEvent> Events => _events;

    /// <exception cref="FormatException">The document does not fit the session being built.</exception>
    public void Add(EntityDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        try
        {
            AddCore(document);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"{document.GetType().Name.Replace("Document", string.Empty, StringComparison.Ordinal)} {document.Id}: {InWords(ex)}", ex);
        }
    }

    /// <summary>
    /// The domain's refusal without .NET's decorations: an <see cref="ArgumentException"/>'s message ends in
    /// "(Parameter 'name')" and, out of range, "Actual value was …"; a duplicate id is a dictionary's "same key" error.
    /// </summary>
    private static string InWords(Exception ex)
    {
        if (ex is not ArgumentException argument)
        {
            return ex.Message;
        }

        if (argument.Message.StartsWith("An item with the same key has already been added", StringComparison.Ordinal))
        {
            return "its id appears twice in this session.";
        }

        return Errors.ArgumentMessage.Of(argument);
    }

    private void AddCore(EntityDocument document)
    {
        DocumentSize.Check(Enum.Parse<EntityType>(document.GetType().Name.Replace("Document", string.Empty, StringComparison.Ordinal)), document.Id, EntityJson.Serialize(document), nameof(document));
        DateTimeOffset created = Timestamp(document.CreatedAt, "createdAt");
        DateTimeOffset updated = Timestamp(document.UpdatedAt, "updatedAt");
        if (document is SessionDocument s)
        {
            if (_session is not null)
            {
                throw new InvalidOperationException($"a second session in one session graph (already building {_session.Id}).");
            }

            _session = Session.Restore(SessionId.Parse(s.Id), NotBlank(s.Title, "title"), s.Goal, Name<SessionState>(s.State, "state"), 0, s.Version, created, updated, _clock);
            return;
        }

        Session session = _session ?? throw new InvalidOperationException("the session document must come before its tasks, steps, tool calls, artifacts and events.");
        switch (document)
        {
            case SessionTaskDocument t:
                CheckOwner(session, t.SessionId);
                SessionTask.Restore(session, TaskId.Parse(t.Id), t.Ordinal, NotBlank(t.Title, "title"), t.Description, Name<WorkState>(t.State, "state"),
                    ParseOptional(t.StartedAt, "startedAt"), ParseOptional(t.CompletedAt, "completedAt"), t.Version, created, updated);
                break;
            case StepDocument p:
                CheckOwner(session, p.SessionId);
                Step.Restore(session, StepId.Parse(p.Id), TaskId.Parse(p.TaskId), p.Ordinal, NotBlank(p.Title, "title"), p.Description, Name<WorkState>(p.State, "state"),
                    ParseOptional(p.StartedAt, "startedAt"), ParseOptional(p.CompletedAt, "completedAt"), p.Version, created, updated);
                break;
            case ToolCallDocument c:
                CheckOwner(session, c.SessionId);
                NoBlob(c.ArgumentsBlob ?? c.ResultBlob);
                ToolCall.Restore(session, ToolCallId.Parse(c.Id), StepId.Parse(c.StepId), NotBlank(c.ToolName, "toolName"), JsonText.Validate(c.Arguments, "arguments"), Name<ToolCallStatus>(c.Status, "status"),
                    c.Result, c.Error, ParseOptional(c.StartedAt, "startedAt"), ParseOptional(c.CompletedAt, "completedAt"),
                    c.DurationTicks is { } ticks ? TimeSpan.FromTicks(ticks) : null, c.Version, created, updated);
                break;
            case ArtifactDocument a:
                CheckOwner(session, a.SessionId);
                NoBlob(a.ContentBlob);
                CheckArtifact(a);
                Artifact.Restore(session, ArtifactId.Parse(a.Id), a.Name, Name<ArtifactKind>(a.Kind, "kind"), a.MediaType, a.Size, a.ContentHash, a.Content,
                    a.StepId is null ? null : StepId.Parse(a.StepId), a.ToolCallId is null ? null : ToolCallId.Parse(a.ToolCallId), a.Version, created, updated);
                break;
            case SessionEventDocument e:
                CheckOwner(session, e.SessionId);
                if (e.Sequence < 1)
                {
                    throw new InvalidOperationException($"sequence {e.Sequence} is not positive.");
                }

                _events.Add(SessionEvent.Restore(session, EventId.Parse(e.Id), e.Sequence, NotBlank(e.Type, "type"), JsonText.Validate(e.Payload, "payload"), e.Version, created, updated));
                break;
            default:
                throw new InvalidOperationException($"unsupported document type {document.GetType().Name}.");
        }
    }

    private static void CheckOwner(Session session, string sessionId)
    {
        if (!string.Equals(session.Id.Value, sessionId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"it belongs to session {sessionId}, not {session.Id}.");
        }
    }

    private static DateTimeOffset? ParseOptional(string? text, string field) => text is null ? null : Timestamp(text, field);

    private static DateTimeOffset Timestamp(string text, string field)
        => UtcTimestamp.TryParse(text, out DateTimeOffset value)
            ? value
            : throw new ArgumentException($"{field} {Quote(text)} is not a timestamp in the form {UtcTimestamp.Pattern} (e.g. 2026-01-15T10:30:00.1234567Z).", field);

    /// <summary>The exact name of a member of <typeparamref name="T"/>: "42", "completed" or "Completed, Failed" are refused.</summary>
    private static T Name<T>(string? value, string field)
        where T : struct, Enum
        => Enum.TryParse(value, ignoreCase: false, out T parsed) && Enum.IsDefined(parsed) && string.Equals(parsed.ToString(), value, StringComparison.Ordinal)
            ? parsed
            : throw new ArgumentException($"{field} {Quote(value)} is not one of {string.Join(", ", Enum.GetNames<T>())}.", field);

    /// <summary>A value as it may appear in an error message: JSON-quoted (control characters escaped) and cut short.</summary>
    private static string Quote(string? value)
        => value is null ? "null" : System.Text.Json.JsonSerializer.Serialize(Redaction.RedactedCut.Ellipsis(value, 40), RunStateJsonContext.Default.String);

    private static string NotBlank(string? value, string field)
        => string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"{field} is missing or blank.", field) : value;

    /// <summary>A document naming a blob is a database's stored form (docs/storage.md), which holds only the start of its value.</summary>
    private static void NoBlob(string? hash)
    {
        if (hash is not null)
        {
            throw new InvalidOperationException($"it names blob {hash}: a database's stored form holds only the start of the value. Export the session with 'acode session export' and import that file.");
        }
    }

    private static void CheckArtifact(ArtifactDocument a)
    {
        if (string.IsNullOrEmpty(a.Name) || a.Name.Length > Artifact.MaxNameLength)
        {
            throw new InvalidOperationException($"name must be 1 to {Artifact.MaxNameLength} characters (got {a.Name?.Length ?? 0}).");
        }

        NotBlank(a.MediaType, "mediaType");
        if (a.ContentHash is not { Length: 64 } hash || !hash.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
        {
            throw new InvalidOperationException("contentHash must be a SHA-256 as 64 lower-case hex digits.");
        }

        if (a.Size < 0 || (a.Content is { } content && (a.Size != content.LongLength || !string.Equals(Artifact.HashOf(content), hash, StringComparison.Ordinal))))
        {
            throw new InvalidOperationException($"size {a.Size} and contentHash must describe the content ({a.Content?.LongLength.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} bytes).");
        }
    }
}

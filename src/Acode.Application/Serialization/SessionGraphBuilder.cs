namespace Acode.Application.Serialization;

/// <summary>
/// Rebuilds a <see cref="Session"/> (and its events) from documents, exactly as they were saved:
/// same ids, versions and timestamps. Documents must come parents first (session, tasks, steps, tool calls, artifacts).
/// </summary>
public sealed class SessionGraphBuilder
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
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new FormatException($"{document.GetType().Name.Replace("Document", string.Empty, StringComparison.Ordinal)} {document.Id}: {ex.Message}", ex);
        }
    }

    private void AddCore(EntityDocument document)
    {
        DateTimeOffset created = UtcTimestamp.Parse(document.CreatedAt);
        DateTimeOffset updated = UtcTimestamp.Parse(document.UpdatedAt);
        if (document is SessionDocument s)
        {
            if (_session is not null)
            {
                throw new InvalidOperationException($"a second session in one session graph (already building {_session.Id}).");
            }

            _session = Session.Restore(SessionId.Parse(s.Id), s.Title, s.Goal, Enum.Parse<SessionState>(s.State), 0, s.Version, created, updated, _clock);
            return;
        }

        Session session = _session ?? throw new InvalidOperationException("the session document must come before its tasks, steps, tool calls, artifacts and events.");
        switch (document)
        {
            case SessionTaskDocument t:
                CheckOwner(session, t.SessionId);
                SessionTask.Restore(session, TaskId.Parse(t.Id), t.Ordinal, t.Title, t.Description, Enum.Parse<WorkState>(t.State),
                    ParseOptional(t.StartedAt), ParseOptional(t.CompletedAt), t.Version, created, updated);
                break;
            case StepDocument p:
                CheckOwner(session, p.SessionId);
                Step.Restore(session, StepId.Parse(p.Id), TaskId.Parse(p.TaskId), p.Ordinal, p.Title, p.Description, Enum.Parse<WorkState>(p.State),
                    ParseOptional(p.StartedAt), ParseOptional(p.CompletedAt), p.Version, created, updated);
                break;
            case ToolCallDocument c:
                CheckOwner(session, c.SessionId);
                ToolCall.Restore(session, ToolCallId.Parse(c.Id), StepId.Parse(c.StepId), c.ToolName, c.Arguments, Enum.Parse<ToolCallStatus>(c.Status),
                    c.Result, c.Error, ParseOptional(c.StartedAt), ParseOptional(c.CompletedAt),
                    c.DurationTicks is { } ticks ? TimeSpan.FromTicks(ticks) : null, c.Version, created, updated);
                break;
            case ArtifactDocument a:
                CheckOwner(session, a.SessionId);
                Artifact.Restore(session, ArtifactId.Parse(a.Id), a.Name, Enum.Parse<ArtifactKind>(a.Kind), a.MediaType, a.Size, a.ContentHash, a.Content,
                    a.StepId is null ? null : StepId.Parse(a.StepId), a.ToolCallId is null ? null : ToolCallId.Parse(a.ToolCallId), a.Version, created, updated);
                break;
            case SessionEventDocument e:
                CheckOwner(session, e.SessionId);
                _events.Add(SessionEvent.Restore(session, EventId.Parse(e.Id), e.Sequence, e.Type, e.Payload, e.Version, created, updated));
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

    private static DateTimeOffset? ParseOptional(string? text) => text is null ? null : UtcTimestamp.Parse(text);
}

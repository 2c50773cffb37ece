namespace Acode.Application.Serialization;

/// <summary>Maps run entities to their <see cref="EntityDocument"/> shape, with the stamps of the change being written.</summary>
internal static class EntityDocuments
{
    /// <summary>The document of <paramref name="entity"/> as it is after a change stamped <paramref name="version"/>/<paramref name="updatedAt"/>.</summary>
    public static EntityDocument From(Entity entity, long version, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(entity);
        string created = UtcTimestamp.Format(entity.IsNew ? updatedAt : entity.CreatedAt);
        string updated = UtcTimestamp.Format(updatedAt);
        return entity switch
        {
            Session s => new SessionDocument
            {
                Id = s.Id.Value, Version = version, CreatedAt = created, UpdatedAt = updated,
                Title = s.Title, Goal = s.Goal, State = s.State.ToString(),
            },
            SessionTask t => new SessionTaskDocument
            {
                Id = t.Id.Value, Version = version, CreatedAt = created, UpdatedAt = updated,
                SessionId = t.SessionId.Value, Ordinal = t.Ordinal, Title = t.Title, Description = t.Description,
                State = t.State.ToString(), StartedAt = UtcTimestamp.Format(t.StartedAt), CompletedAt = UtcTimestamp.Format(t.CompletedAt),
            },
            Step p => new StepDocument
            {
                Id = p.Id.Value, Version = version, CreatedAt = created, UpdatedAt = updated,
                SessionId = p.SessionId.Value, TaskId = p.TaskId.Value, Ordinal = p.Ordinal, Title = p.Title, Description = p.Description,
                State = p.State.ToString(), StartedAt = UtcTimestamp.Format(p.StartedAt), CompletedAt = UtcTimestamp.Format(p.CompletedAt),
            },
            ToolCall c => new ToolCallDocument
            {
                Id = c.Id.Value, Version = version, CreatedAt = created, UpdatedAt = updated,
                SessionId = c.SessionId.Value, StepId = c.StepId.Value, ToolName = c.ToolName, Arguments = c.ArgumentsJson,
                Status = c.Status.ToString(), Result = c.Result, Error = c.Error,
                StartedAt = UtcTimestamp.Format(c.StartedAt), CompletedAt = UtcTimestamp.Format(c.CompletedAt), DurationTicks = c.Duration?.Ticks,
            },
            Artifact a => new ArtifactDocument
            {
                Id = a.Id.Value, Version = version, CreatedAt = created, UpdatedAt = updated,
                SessionId = a.SessionId.Value, StepId = a.StepId?.Value, ToolCallId = a.ToolCallId?.Value, Name = a.Name,
                Kind = a.Kind.ToString(), MediaType = a.MediaType, Size = a.Size, ContentHash = a.ContentHash, Content = a.Content?.ToArray(),
            },
            SessionEvent e => new SessionEventDocument
            {
                Id = e.Id.Value, Version = version, CreatedAt = created, UpdatedAt = updated,
                SessionId = e.SessionId.Value, Sequence = e.Sequence, Type = e.Type, Payload = e.PayloadJson,
            },
            _ => throw new ArgumentException($"Unknown entity type {entity.GetType().Name}.", nameof(entity)),
        };
    }

    /// <summary>The document of a saved entity, with its current stamps.</summary>
    public static EntityDocument From(Entity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return entity.IsNew
            ? throw new ArgumentException($"{entity.EntityType} {entity.EntityId} was never saved.", nameof(entity))
            : From(entity, entity.Version, entity.UpdatedAt);
    }
}

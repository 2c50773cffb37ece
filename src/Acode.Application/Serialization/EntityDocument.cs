using System.Text.Json.Serialization;

namespace Acode.Application.Serialization;

/// <summary>
/// The stable JSON shape of a run entity: the outbox payload, the PostgreSQL <c>jsonb</c> content and one line
/// of <c>acode session export</c>. Property names are camelCase; timestamps use <see cref="UtcTimestamp"/>;
/// <c>entity</c> names the type; <c>schema</c> is the payload-schema version (<see cref="CurrentSchema"/>).
/// A reader accepts every schema up to its own and refuses newer ones. See docs/json-format.md.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "entity", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(SessionDocument), nameof(EntityType.Session))]
[JsonDerivedType(typeof(SessionTaskDocument), nameof(EntityType.SessionTask))]
[JsonDerivedType(typeof(StepDocument), nameof(EntityType.Step))]
[JsonDerivedType(typeof(ToolCallDocument), nameof(EntityType.ToolCall))]
[JsonDerivedType(typeof(ArtifactDocument), nameof(EntityType.Artifact))]
[JsonDerivedType(typeof(SessionEventDocument), nameof(EntityType.SessionEvent))]
internal abstract class EntityDocument
{
    /// <summary>The payload-schema version this program writes.</summary>
    public const int CurrentSchema = 1;

    public int Schema { get; init; } = CurrentSchema;

    public required string Id { get; init; }

    public required long Version { get; init; }

    public required string CreatedAt { get; init; }

    public required string UpdatedAt { get; init; }
}

namespace Acode.Domain.Entities;

/// <summary>The version and time a store gave a change of <paramref name="Entity"/> when it committed it.</summary>
public readonly record struct EntityStamp(Entity Entity, long Version, DateTimeOffset UpdatedAt);

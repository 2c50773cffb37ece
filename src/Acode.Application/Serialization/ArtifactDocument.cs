namespace Acode.Application.Serialization;

/// <summary>An artifact; <see cref="Content"/> is base64 in JSON and absent when only the hash is stored.</summary>
internal sealed class ArtifactDocument : EntityDocument
{
    public required string SessionId { get; init; }

    public string? StepId { get; init; }

    public string? ToolCallId { get; init; }

    public required string Name { get; init; }

    public required string Kind { get; init; }

    public required string MediaType { get; init; }

    public required long Size { get; init; }

    public required string ContentHash { get; init; }

#pragma warning disable CA1819 // a DTO: the bytes are the payload
    public byte[]? Content { get; init; }
#pragma warning restore CA1819

    /// <summary>
    /// Stored form only (docs/storage.md): the SHA-256 of large content, whose blob holds it whole; <see cref="Content"/>
    /// then holds its first 512 bytes. Null (and absent from the JSON) in the full form every reader and the export see.
    /// </summary>
    public string? ContentBlob { get; init; }
}

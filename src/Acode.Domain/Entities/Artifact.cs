using System.Security.Cryptography;
using Acode.Domain.Text;

namespace Acode.Domain.Entities;

/// <summary>
/// An output of the session (a file, a diff, a log…). Either its content is stored with it, or only its
/// size and SHA-256 hash are (<see cref="HasContent"/>). Names are kept verbatim: they label content and
/// are never used as paths.
/// </summary>
public sealed class Artifact : Entity
{
    /// <summary>The longest artifact name accepted, in UTF-16 code units.</summary>
    public const int MaxNameLength = 4096;

    private readonly Session _session;
    private byte[]? _content;

    private Artifact(Session session, ArtifactId id, string name, ArtifactKind kind, string mediaType, long size, string contentHash, byte[]? content, StepId? stepId, ToolCallId? toolCallId)
    {
        _session = session;
        Id = id;
        Name = name;
        Kind = kind;
        MediaType = mediaType;
        Size = size;
        ContentHash = contentHash;
        _content = content;
        StepId = stepId;
        ToolCallId = toolCallId;
    }

    /// <summary>The artifact's id (<c>art_</c> + ULID).</summary>
    public ArtifactId Id { get; }

    /// <summary>The session the artifact belongs to.</summary>
    public SessionId SessionId => _session.Id;

    /// <summary>The step that produced it, when known.</summary>
    public StepId? StepId { get; }

    /// <summary>The tool call that produced it, when known.</summary>
    public ToolCallId? ToolCallId { get; }

    /// <summary>
    /// A label (a file name, a title), kept verbatim apart from secrets (replaced by markers before it is stored, docs/secrets.md):
    /// at most <see cref="MaxNameLength"/> UTF-16 code units as given; never used as a path.
    /// </summary>
    public string Name { get; private set; }

    /// <summary>What the artifact is.</summary>
    public ArtifactKind Kind { get; }

    /// <summary>The content's media type (<c>text/x-diff</c>, <c>application/json</c>, …), as given by the caller.</summary>
    public string MediaType { get; private set; }

    /// <summary>Size of the content in bytes.</summary>
    public long Size { get; private set; }

    /// <summary>Lower-case hex SHA-256 of the content.</summary>
    public string ContentHash { get; private set; }

    /// <summary>True when the content is stored with the artifact; false for a reference (only <see cref="Size"/> and <see cref="ContentHash"/>).</summary>
    public bool HasContent => _content is not null;

    // Not "=> _content" nor "? null :": a null byte[] (or the null literal) converts to an empty ReadOnlyMemory,
    // which would make a reference look like stored empty content.
    /// <summary>The stored bytes; null for a reference (an empty artifact with content is an empty, non-null value).</summary>
    public ReadOnlyMemory<byte>? Content => _content is null ? default(ReadOnlyMemory<byte>?) : _content;

    /// <inheritdoc/>
    public override EntityType EntityType => EntityType.Artifact;

    /// <inheritdoc/>
    public override string EntityId => Id.Value;

    internal override Session Root => _session;

    /// <summary>
    /// Replaces the stored content by a copy in which secrets were replaced by markers (docs/secrets.md); <see cref="Size"/> and
    /// <see cref="ContentHash"/> become those of the new content. A store calls it just before writing the artifact.
    /// </summary>
    /// <exception cref="InvalidOperationException">The artifact has no stored content (a reference).</exception>
    internal void ReplaceRedactedContent(ReadOnlyMemory<byte> content)
    {
        if (_content is null)
        {
            throw new InvalidOperationException($"Artifact {Id} is a reference: it has no stored content to replace.");
        }

        byte[] bytes = content.ToArray();
        _content = bytes;
        Size = bytes.LongLength;
        ContentHash = HashOf(bytes);
    }

    /// <summary>
    /// Replaces the name by a copy in which secrets were replaced by markers (docs/secrets.md). A store calls it just before
    /// writing the artifact. A marker can be longer than the secret it replaces: a name that grows past
    /// <see cref="MaxNameLength"/> is cut to that length (never inside a surrogate pair), so an export of it imports again.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    internal void ReplaceRedactedName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string text = TextContent.ToWellFormed(name);
        Name = text.Length <= MaxNameLength ? text : text[..(char.IsHighSurrogate(text[MaxNameLength - 1]) ? MaxNameLength - 1 : MaxNameLength)];
    }

    /// <summary>
    /// Replaces the media type by a copy in which secrets were replaced by markers (docs/secrets.md): a media type is the
    /// caller's free text (trial AU 5: <c>text/plain; token=…</c>). A store calls it just before writing the artifact.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="mediaType"/> is null or empty.</exception>
    internal void ReplaceRedactedMediaType(string mediaType)
    {
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        MediaType = TextContent.ToWellFormed(mediaType);
    }

    /// <summary>The lower-case hex SHA-256 of <paramref name="content"/> (64 characters), as <see cref="ContentHash"/> holds it.</summary>
    public static string HashOf(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    internal static Artifact Restore(
        Session session, ArtifactId id, string name, ArtifactKind kind, string mediaType, long size, string contentHash,
        byte[]? content, StepId? stepId, ToolCallId? toolCallId, long version, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(session);
        var artifact = new Artifact(session, id, name, kind, mediaType, size, contentHash, content, stepId, toolCallId);
        artifact.RestoreStamps(version, createdAt, updatedAt);
        session.Attach(artifact);
        return artifact;
    }

    internal static Artifact Create(Session session, string name, ArtifactKind kind, string mediaType, ReadOnlyMemory<byte> content, StepId? stepId, ToolCallId? toolCallId)
    {
        byte[] bytes = content.ToArray();
        return New(session, name, kind, mediaType, bytes.LongLength, HashOf(bytes), bytes, stepId, toolCallId);
    }

    internal static Artifact CreateReference(Session session, string name, ArtifactKind kind, string mediaType, long size, string contentHash, StepId? stepId, ToolCallId? toolCallId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (contentHash is null || contentHash.Length != 64 || !contentHash.All(Uri.IsHexDigit))
        {
            throw new ArgumentException("contentHash must be a SHA-256 as 64 hex digits.", nameof(contentHash));
        }

        return New(session, name, kind, mediaType, size, contentHash.ToLowerInvariant(), null, stepId, toolCallId);
    }

    private static Artifact New(Session session, string name, ArtifactKind kind, string mediaType, long size, string hash, byte[]? content, StepId? stepId, ToolCallId? toolCallId)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        if (!Enum.IsDefined(kind))
        {
            // Stored, it would make the whole session unreadable (ACODE-DB-002) on every engine it syncs to (trial AL 2).
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"An artifact kind is one of {string.Join(", ", Enum.GetNames<ArtifactKind>())}.");
        }

        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"An artifact name is at most {MaxNameLength} characters (got {name.Length}).", nameof(name));
        }

        if (stepId is { } s && session.FindStep(s) is null)
        {
            throw new ArgumentException($"Step {s} is not part of session {session.Id}.", nameof(stepId));
        }

        if (toolCallId is { } t && session.FindToolCall(t) is null)
        {
            throw new ArgumentException($"Tool call {t} is not part of session {session.Id}.", nameof(toolCallId));
        }

        var artifact = new Artifact(session, ArtifactId.New(), TextContent.ToWellFormed(name), kind, TextContent.ToWellFormed(mediaType), size, hash, content, stepId, toolCallId);
        artifact.MarkChanged();
        return artifact;
    }
}

namespace Acode.Infrastructure.Blobs;

/// <summary>A blob as both engines store it: its SHA-256 (hex), codec (<see cref="BlobCodec"/>), length before compression (bytes) and stored bytes.</summary>
internal sealed record StoredBlob(string Hash, string Codec, long RawLength, byte[] Content);

using System.IO.Compression;
using System.Security.Cryptography;

namespace Acode.Infrastructure.Blobs;

/// <summary>
/// How the content of a blob is hashed and compressed (docs/storage.md). The hash is SHA-256 of the raw bytes (for text:
/// its UTF-8 bytes), lower-case hex: the same content has the same hash in every workspace and in PostgreSQL, so it is
/// stored once. The codec is Brotli at quality 5 with a 4 MiB window (BCL <see cref="BrotliEncoder"/>), chosen by the
/// measurement in docs/storage.md; content it would not make smaller is kept as is (<see cref="None"/>).
/// </summary>
internal static class BlobCodec
{
    /// <summary>Brotli (RFC 7932).</summary>
    public const string Brotli = "br";

    /// <summary>The raw bytes, uncompressed: content Brotli does not shrink, and the blobs PostgreSQL's migration 1.5.0 moved (its SQL cannot compress).</summary>
    public const string None = "none";

    private const int Quality = 5;
    private const int Window = 22;

    /// <summary>SHA-256 of <paramref name="raw"/>, 64 lower-case hex digits.</summary>
    public static string Hash(ReadOnlySpan<byte> raw) => Convert.ToHexStringLower(SHA256.HashData(raw));

    /// <summary>The stored form of <paramref name="raw"/>: its codec and bytes.</summary>
    public static (string Codec, byte[] Content) Compress(ReadOnlySpan<byte> raw)
    {
        byte[] buffer = new byte[BrotliEncoder.GetMaxCompressedLength(raw.Length)];
        if (BrotliEncoder.TryCompress(raw, buffer, out int written, Quality, Window) && written < raw.Length)
        {
            return (Brotli, buffer.AsSpan(0, written).ToArray());
        }

        return (None, raw.ToArray());
    }

    /// <summary>The raw bytes of a stored blob.</summary>
    /// <exception cref="InvalidDataException">The codec is unknown or the bytes do not decompress to <paramref name="rawLength"/> bytes
    /// (a damaged blob, or a damaged length no array can hold).</exception>
    public static byte[] Decompress(string codec, byte[] content, long rawLength)
    {
        ArgumentNullException.ThrowIfNull(content);
        switch (codec)
        {
            case None when content.LongLength == rawLength:
                return content;
            case Brotli when rawLength >= 0 && rawLength <= Array.MaxLength:
                byte[] raw = new byte[rawLength];
                if (BrotliDecoder.TryDecompress(content, raw, out int written) && written == rawLength)
                {
                    return raw;
                }

                break;
        }

        throw new InvalidDataException($"A stored blob ({codec}, {content.LongLength} bytes) does not decode to its {rawLength} bytes.");
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// Ids of imported entities: the usual <c>prefix_</c> + ULID shape, with the ULID's 48-bit time taken from the
/// transcript and its 80 "random" bits from a SHA-256 of a source key (agent, source session id, source record id).
/// The same source record therefore always gets the same id, on any machine.
/// </summary>
internal static class DeterministicId
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string For(string prefix, DateTimeOffset time, string key)
    {
        long millis = Math.Clamp(time.ToUnixTimeMilliseconds(), 0, (1L << 48) - 1);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        UInt128 value = ((UInt128)(ulong)millis << 80) | ((UInt128)System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(hash) << 64) | System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash[2..]);
        Span<char> text = stackalloc char[26];
        for (int i = 25; i >= 0; i--)
        {
            text[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return prefix + "_" + new string(text);
    }
}

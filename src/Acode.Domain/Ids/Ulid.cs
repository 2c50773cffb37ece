using System.Security.Cryptography;

namespace Acode.Domain.Ids;

/// <summary>
/// Generates ULIDs (48-bit millisecond timestamp + 80 random bits, Crockford base32, 26 characters).
/// Within one millisecond the random part is incremented, so IDs made by one process sort in creation order.
/// </summary>
internal static class Ulid
{
    public const int Length = 26;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static readonly Lock Gate = new();
    private static long _lastMillis = -1;
    private static readonly byte[] LastRandom = new byte[10];

    public static string NewUlid(TimeProvider? time = null)
    {
        long millis = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
        Span<byte> bytes = stackalloc byte[16];
        lock (Gate)
        {
            if (millis <= _lastMillis)
            {
                // Same (or an earlier) millisecond: keep the last timestamp and count up, never backwards.
                millis = _lastMillis;
                Increment(LastRandom);
            }
            else
            {
                _lastMillis = millis;
                RandomNumberGenerator.Fill(LastRandom);
                LastRandom[0] &= 0x7F; // leave headroom so increments within a millisecond cannot overflow
            }

            LastRandom.CopyTo(bytes[6..]);
        }

        for (int i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(millis & 0xFF);
            millis >>= 8;
        }

        return Encode(bytes);
    }

    public static bool IsValid(ReadOnlySpan<char> text)
    {
        if (text.Length != Length || text[0] > '7')
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!Alphabet.Contains(c))
            {
                return false;
            }
        }

        return true;
    }

    private static void Increment(byte[] value)
    {
        for (int i = value.Length - 1; i >= 0; i--)
        {
            if (++value[i] != 0)
            {
                return;
            }
        }
    }

    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        // 128 bits -> 26 base32 digits (the first digit carries only 3 bits).
        UInt128 value = 0;
        foreach (byte b in bytes)
        {
            value = (value << 8) | b;
        }

        Span<char> chars = stackalloc char[Length];
        for (int i = Length - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(chars);
    }
}

using System.Globalization;
using System.Security.Cryptography;

namespace Acode.Benchmarks.Raw;

/// <summary>
/// What a hand-written store needs besides SQL: time-ordered prefixed ids (same format as acode's, so rows look
/// alike) and strictly increasing UTC timestamps in the store's text format.
/// </summary>
public sealed class RawIds
{
    public const string TimestampPattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private readonly UInt128 _random;
    private ulong _counter;
    private long _lastTicks;

    public RawIds()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        _random = BitConverter.ToUInt64(bytes) & 0xFF_FFFF_FFFFUL;
    }

    public string New(string prefix)
    {
        long millis = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        UInt128 value = ((UInt128)(ulong)millis << 80) | (_random << 40) | (++_counter & 0xFF_FFFF_FFFFUL);
        return string.Create(prefix.Length + 27, (prefix, value), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            span[state.prefix.Length] = '_';
            UInt128 v = state.value;
            for (int i = span.Length - 1; i > state.prefix.Length; i--)
            {
                span[i] = Alphabet[(int)(v & 31)];
                v >>= 5;
            }
        });
    }

    /// <summary>Now, or one tick after the last stamp given (never twice the same).</summary>
    public DateTime NextStamp()
    {
        long ticks = Math.Max(DateTime.UtcNow.Ticks, _lastTicks + 1);
        _lastTicks = ticks;
        return new DateTime(ticks, DateTimeKind.Utc);
    }

    public static string Format(DateTime utc) => utc.ToString(TimestampPattern, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text)
        => new(DateTime.ParseExact(text, TimestampPattern, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);
}

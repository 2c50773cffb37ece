using System.Text;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// Splits a transcript stream into lines without ever holding more than <see cref="MaxLineBytes"/> of one line:
/// a longer line (a 100 MB tool result) is skipped and reported with its size and first bytes.
/// </summary>
internal sealed class TranscriptLineReader
{
    /// <summary>The longest line imported (16 MiB); longer lines are reported as oversized.</summary>
    public const int DefaultMaxLineBytes = 16 * 1024 * 1024;

    /// <summary>How much of the start of an oversized line its <c>transcript.oversized_line</c> event keeps (1 KiB).</summary>
    public const int OversizedPrefixBytes = 1024;

    /// <summary>
    /// How much of the start of an oversized line is read and redacted before the first <see cref="OversizedPrefixBytes"/>
    /// are cut from it (64 KiB): a secret that starts in the first KiB is seen whole unless it runs past this.
    /// </summary>
    public const int OversizedScanBytes = 64 * 1024;

    private static readonly UTF8Encoding Strict = new(false, true);
    private static readonly UTF8Encoding Lenient = new(false, false);

    public TranscriptLineReader(int maxLineBytes = DefaultMaxLineBytes) => MaxLineBytes = maxLineBytes;

    public int MaxLineBytes { get; }

    /// <summary>
    /// Reads lines from the stream's position to its end. <paramref name="consumed"/> receives the number of bytes up to and
    /// including the last newline: a following unterminated tail is returned (Terminated = false) but not counted as consumed.
    /// </summary>
    public IEnumerable<TranscriptLine> Read(Stream stream, long firstLineNumber, Action<long> consumed)
    {
        byte[] chunk = new byte[64 * 1024];
        var line = new MemoryStream();
        long lineLength = 0, total = 0, number = firstLineNumber;
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            int start = 0;
            while (start < read)
            {
                int newline = Array.IndexOf(chunk, (byte)'\n', start, read - start);
                int end = newline < 0 ? read : newline;
                Append(line, chunk, start, end - start, lineLength);
                lineLength += end - start;
                if (newline < 0)
                {
                    break;
                }

                total += lineLength + 1;
                yield return Make(number++, line, lineLength, terminated: true);
                consumed(total);
                line.SetLength(0);
                lineLength = 0;
                start = newline + 1;
            }
        }

        if (lineLength > 0)
        {
            yield return Make(number, line, lineLength, terminated: false);
        }
    }

    private void Append(MemoryStream line, byte[] chunk, int offset, int count, long lengthSoFar)
    {
        if (lengthSoFar + count <= MaxLineBytes)
        {
            line.Write(chunk, offset, count);
            return;
        }

        // Past the limit: keep only the start, to report.
        if (line.Length > OversizedScanBytes)
        {
            line.SetLength(OversizedScanBytes);
        }

        int take = (int)Math.Min(count, OversizedScanBytes - line.Length);
        if (take > 0)
        {
            line.Write(chunk, offset, take);
        }
    }

    private TranscriptLine Make(long number, MemoryStream line, long length, bool terminated)
    {
        bool oversized = length > MaxLineBytes;
        ReadOnlySpan<byte> bytes = line.GetBuffer().AsSpan(0, (int)Math.Min(line.Length, oversized ? OversizedScanBytes : line.Length));
        if (!oversized && bytes.Length > 0 && bytes[^1] == '\r')
        {
            bytes = bytes[..^1];
        }

        string text;
        bool invalid = false;
        try
        {
            text = Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = Lenient.GetString(bytes);
            invalid = !oversized;
        }

        return new TranscriptLine(number, text, length, invalid, oversized, terminated);
    }
}

using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Acode.Application.Serialization;

/// <summary>
/// Splits an export stream into lines of UTF-8 bytes where <see cref="TextReader.ReadLine"/> splits text (at <c>\n</c>,
/// <c>\r</c> or <c>\r\n</c>; a UTF-8 byte-order mark at the start skipped), using a <see cref="PipeReader"/>: a line of n
/// bytes costs about 2n (the pipe's buffers and the line's array), not the 14n a string, its builder and their copies
/// cost. The bytes are checked as strict UTF-8 as they are read (a few KiB ahead of the line being split, as StreamReader
/// decoded ahead); a fault throws <see cref="DecoderFallbackException"/>, also for a sequence cut by the end of the file.
/// </summary>
/// <remarks>
/// A line longer than <see cref="PrefixBytes"/> is first judged by its start (<c>judgePrefix</c>): when the start already
/// settles that the line is refused, the rest of the line is read (and checked as UTF-8) but not kept, and
/// <see cref="Refusal"/> says why, so a file that is not an export is refused in bounded memory whatever its line length.
/// </remarks>
internal sealed class ExportLineReader
{
    /// <summary>How much of a long line is judged before the rest of it is kept (64 KiB).</summary>
    public const int PrefixBytes = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly Func<ReadOnlyMemory<byte>, string?> _judgePrefix;
    private PipeReader? _reader;
    private bool _skipLineFeed;

    /// <param name="stream">The export, read from its position to its end.</param>
    /// <param name="judgePrefix">Given the first <see cref="PrefixBytes"/> bytes of a longer line: why the whole line is refused, or null when its start does not settle that.</param>
    public ExportLineReader(Stream stream, Func<ReadOnlyMemory<byte>, string?> judgePrefix)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(judgePrefix);
        _stream = stream;
        _judgePrefix = judgePrefix;
    }

    /// <summary>The bytes of the line last read, without its line break.</summary>
    public ReadOnlyMemory<byte> Line { get; private set; }

    /// <summary>Why the line last read is refused, judged from its start (its bytes are then not kept); null otherwise.</summary>
    public string? Refusal { get; private set; }

    /// <summary>Reads the next line; false at the end of the stream.</summary>
    /// <exception cref="DecoderFallbackException">The bytes read are not valid UTF-8.</exception>
    public async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        _reader ??= await OpenAsync(_stream, cancellationToken).ConfigureAwait(false);
        Line = default;
        Refusal = null;
        long scanned = 0;
        bool judged = false;
        while (true)
        {
            ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (_skipLineFeed && !buffer.IsEmpty)
            {
                _skipLineFeed = false;
                buffer = buffer.FirstSpan[0] == (byte)'\n' ? buffer.Slice(1) : buffer;
            }

            var bytes = new SequenceReader<byte>(buffer);
            bytes.Advance(scanned);
            if (bytes.TryAdvanceToAny("\r\n"u8, advancePastDelimiter: false))
            {
                Keep(buffer.Slice(0, bytes.Position));
                bytes.TryRead(out byte lineBreak);
                _skipLineFeed = lineBreak == (byte)'\r';
                _reader.AdvanceTo(bytes.Position);
                return true;
            }

            if (result.IsCompleted)
            {
                // The last line, without a line break; none when nothing is left (and no refused line was skipped).
                bool any = !buffer.IsEmpty || Refusal is not null;
                Keep(buffer);
                _reader.AdvanceTo(buffer.End);
                return any;
            }

            if (!judged && buffer.Length >= PrefixBytes)
            {
                judged = true;
                Refusal = _judgePrefix(buffer.Slice(0, PrefixBytes).ToArray());
            }

            // A refused line is dropped as it is read; a kept one stays in the pipe until its end is found.
            scanned = Refusal is null ? buffer.Length : 0;
            _reader.AdvanceTo(Refusal is null ? buffer.Start : buffer.End, buffer.End);
        }
    }

    /// <summary>
    /// The reader of the export's UTF-8 text: the bytes after a UTF-8 byte-order mark, checked as strict UTF-8; or, after
    /// a UTF-16 or UTF-32 mark (Windows PowerShell 5's '>' writes UTF-16), what they decode to, as StreamReader reads one.
    /// </summary>
    private static async ValueTask<PipeReader> OpenAsync(Stream stream, CancellationToken cancellationToken)
    {
        PipeReader raw = PipeReader.Create(stream);
        ReadResult start = await raw.ReadAtLeastAsync(4, cancellationToken).ConfigureAwait(false);
        (Encoding encoding, int mark) = ByteOrderMark(start.Buffer.Slice(0, Math.Min(4, start.Buffer.Length)).ToArray());
        raw.AdvanceTo(start.Buffer.GetPosition(mark));
        return PipeReader.Create(Encoding.CreateTranscodingStream(raw.AsStream(), encoding, Encoding.UTF8));
    }

    /// <summary>The encoding the byte-order mark at the start names (strict UTF-8 for none) and the mark's length.</summary>
    private static (Encoding Encoding, int Mark) ByteOrderMark(ReadOnlySpan<byte> start)
    {
        if (start.StartsWith((byte[])[0xFF, 0xFE, 0, 0]))
        {
            return (new UTF32Encoding(bigEndian: false, byteOrderMark: false), 4);
        }

        if (start.StartsWith((byte[])[0, 0, 0xFE, 0xFF]))
        {
            return (new UTF32Encoding(bigEndian: true, byteOrderMark: false), 4);
        }

        if (start.StartsWith((byte[])[0xFF, 0xFE]))
        {
            return (Encoding.Unicode, 2);
        }

        if (start.StartsWith((byte[])[0xFE, 0xFF]))
        {
            return (Encoding.BigEndianUnicode, 2);
        }

        return (StrictUtf8, start.StartsWith("\uFEFF"u8) ? 3 : 0);
    }

    private void Keep(ReadOnlySequence<byte> line)
    {
        if (Refusal is null)
        {
            Line = line.ToArray();
        }
    }
}

using System.Text;

namespace Acode.Application.Serialization;

/// <summary>
/// Splits an export stream into lines of UTF-8 bytes where <see cref="TextReader.ReadLine"/> splits text (at <c>\n</c>,
/// <c>\r</c> or <c>\r\n</c>; a UTF-8 byte-order mark at the start skipped), holding one line in one reused buffer: a line
/// of n bytes costs about n to 2n bytes, not the 14n a string, its builder and their copies cost. Every byte is checked
/// as strict UTF-8 as it is read; a fault throws <see cref="DecoderFallbackException"/>.
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

    private const int ChunkBytes = 64 * 1024;

    /// <summary>
    /// How far past the bytes of the line being read they are checked as UTF-8 (1 KiB, about what StreamReader decoded
    /// ahead): a fault shortly after a line is reported with it ("or one shortly after it"), a file of random bytes at line 1.
    /// </summary>
    private const int CheckAheadBytes = 1024;

    /// <summary>A line buffer grown past this for a long line is dropped before the next line (1 MiB).</summary>
    private const int KeptBufferBytes = 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private Stream _stream;
    private readonly Func<ReadOnlyMemory<byte>, string?> _judgePrefix;
    private readonly Decoder _decoder = StrictUtf8.GetDecoder();
    private readonly char[] _scratch = new char[ChunkBytes + 4];
    private readonly byte[] _chunk = new byte[ChunkBytes];
    private int _chunkStart;
    private int _chunkEnd;
    private int _checkedTo;
    private byte[] _line = new byte[ChunkBytes];
    private int _lineLength;
    private bool _atStart = true;
    private bool _ended;
    private bool _skipLineFeed;

    /// <param name="stream">The export, read from its position to its end.</param>
    /// <param name="judgePrefix">Given the first bytes (at least <see cref="PrefixBytes"/>) of a longer line: why the whole line is refused, or null when its start does not settle that.</param>
    public ExportLineReader(Stream stream, Func<ReadOnlyMemory<byte>, string?> judgePrefix)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(judgePrefix);
        _stream = stream;
        _judgePrefix = judgePrefix;
    }

    /// <summary>The bytes of the line last read, without its line break; valid until the next read.</summary>
    public ReadOnlyMemory<byte> Line => _line.AsMemory(0, _lineLength);

    /// <summary>Why the line last read is refused, judged from its start (its bytes are then not kept); null otherwise.</summary>
    public string? Refusal { get; private set; }

    /// <summary>Reads the next line; false at the end of the stream.</summary>
    /// <exception cref="DecoderFallbackException">The bytes read are not valid UTF-8.</exception>
    public async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        if (_line.Length > KeptBufferBytes)
        {
            _line = new byte[ChunkBytes];
        }

        _lineLength = 0;
        Refusal = null;
        bool judged = false, any = false;
        while (true)
        {
            if (_chunkStart == _chunkEnd && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return any;
            }

            Span<byte> span = _chunk.AsSpan(_chunkStart, _chunkEnd - _chunkStart);
            if (_skipLineFeed)
            {
                _skipLineFeed = false;
                if (span[0] == (byte)'\n')
                {
                    CheckTo(_chunkStart + 1);
                    _chunkStart++;
                    continue;
                }
            }

            int end = span.IndexOfAny((byte)'\r', (byte)'\n');
            CheckTo(_chunkStart + (end < 0 ? span.Length : end + 1));
            Keep(end < 0 ? span : span[..end]);
            any = true;
            if (!judged && Refusal is null && _lineLength >= PrefixBytes)
            {
                judged = true;
                Refusal = _judgePrefix(Line);
                if (Refusal is not null)
                {
                    _lineLength = 0;
                    _line = new byte[ChunkBytes];
                }
            }

            if (end >= 0)
            {
                _skipLineFeed = span[end] == (byte)'\r';
                _chunkStart += end + 1;
                return true;
            }

            _chunkStart = _chunkEnd;
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            // Everything read was checked: a sequence cut by the end of the file is a fault.
            Check([], flush: true);
            return false;
        }

        _chunkStart = 0;
        _chunkEnd = 0;
        _checkedTo = 0;
        do
        {
            int read = await _stream.ReadAsync(_chunk.AsMemory(_chunkEnd), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _ended = true;
                break;
            }

            _chunkEnd += read;
        }
        while (_atStart && _chunkEnd < 4);

        if (_atStart)
        {
            _atStart = false;
            ReadOnlySpan<byte> start = _chunk.AsSpan(0, _chunkEnd);
            if (start.StartsWith("\uFEFF"u8))
            {
                _chunkStart = 3;
                _checkedTo = 3;
            }
            else if (OtherEncoding(start) is ({ } encoding, int mark))
            {
                // A UTF-16 or UTF-32 file (Windows PowerShell 5's '>' writes UTF-16), read as StreamReader reads one: its
                // byte-order mark names the encoding, and what it decodes to is read on as UTF-8.
                var rest = new PrefixedStream(_chunk[mark.._chunkEnd], _stream);
                _stream = Encoding.CreateTranscodingStream(rest, encoding, Encoding.UTF8, leaveOpen: true);
                _ended = false;
                return await FillAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (_chunkStart == _chunkEnd)
        {
            return await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The encoding a UTF-16 or UTF-32 byte-order mark at the start names, and the mark's length; null for none.</summary>
    private static (Encoding Encoding, int Mark)? OtherEncoding(ReadOnlySpan<byte> start)
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

        return start.StartsWith((byte[])[0xFE, 0xFF]) ? (Encoding.BigEndianUnicode, 2) : null;
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (Refusal is not null)
        {
            return;
        }

        if (_lineLength + bytes.Length > _line.Length)
        {
            long size = Math.Max((long)_line.Length * 2, (long)_lineLength + bytes.Length);
            Array.Resize(ref _line, (int)Math.Min(size, Array.MaxLength));
        }

        bytes.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += bytes.Length;
    }

    /// <summary>Checks the chunk's bytes up to <paramref name="end"/>, and up to <see cref="CheckAheadBytes"/> past the current position.</summary>
    private void CheckTo(int end)
    {
        end = Math.Max(end, Math.Min(_chunkEnd, _chunkStart + CheckAheadBytes));
        if (end > _checkedTo)
        {
            Check(_chunk.AsSpan(_checkedTo, end - _checkedTo), flush: false);
            _checkedTo = end;
        }
    }

    private void Check(ReadOnlySpan<byte> bytes, bool flush)
    {
        do
        {
            _decoder.Convert(bytes, _scratch, flush, out int used, out _, out _);
            bytes = bytes[used..];
        }
        while (!bytes.IsEmpty);
    }
}

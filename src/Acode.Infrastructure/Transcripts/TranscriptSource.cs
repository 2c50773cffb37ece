using System.Text.Json;
using Acode.Application.Redaction;
using Acode.Application.Transcripts;
using Acode.Domain.Text;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// One transcript file being read into its <see cref="TranscriptGraph"/>: remembers how far it got (bytes and lines), so
/// reading again picks up only what was appended. A half-written last line is left for the next read.
/// </summary>
internal sealed class TranscriptSource
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 256 };
    private readonly ITranscriptRecordMapper _mapper;
    private readonly TranscriptLineReader _reader;
    private readonly List<TranscriptLine> _deferred = [];
    private readonly ProblemCounter _problems = new();
    private long _nextLine = 1;
    private bool _truncatedTail;
    private bool _tailProcessed;

    public TranscriptSource(string path, TranscriptGraph graph, ITranscriptRecordMapper mapper, int maxLineBytes = TranscriptLineReader.DefaultMaxLineBytes)
    {
        Path = path;
        Graph = graph;
        _mapper = mapper;
        _reader = new TranscriptLineReader(maxLineBytes);
    }

    public string Path { get; }

    public TranscriptGraph Graph { get; }

    public ITranscriptRecordMapper Mapper => _mapper;

    /// <summary>Bytes read up to the end of the last complete line.</summary>
    public long Offset { get; private set; }

    public long Lines => _nextLine - 1;

    /// <summary>Lines read that are neither blank nor oversized: records and malformed lines.</summary>
    public long ContentLines { get; private set; }

    /// <summary>Records of the mapper's own format (<see cref="ITranscriptRecordMapper.IsOwnRecord"/>), mapped or not.</summary>
    public long OwnRecords { get; private set; }

    /// <summary>What the first record not of the mapper's format looks like (<see cref="TranscriptFormat.Guess"/>), or null.</summary>
    public string? ForeignFormat { get; private set; }

    /// <summary>Lines were read and none is a record of the mapper's format: the file is not this agent's transcript.</summary>
    public bool IsForeign => ContentLines > 0 && OwnRecords == 0;

    /// <summary>
    /// Reads from <see cref="Offset"/> to the end of the file. With <paramref name="final"/>, a last line without a newline
    /// is imported if it is a complete record, else counted as truncated; without, it waits for the next read.
    /// </summary>
    /// <returns>False when the file is shorter than what was read before (replaced or truncated: start again with a new source).</returns>
    public bool Read(bool final)
    {
        // A fifo found in a followed folder (or put where a followed file was): opening it would wait for a writer.
        if (FileKind.SpecialKindOf(Path) is { } kind)
        {
            throw new IOException($"'{Path}' is {kind}, not a file: it can be read once, not followed. Import it without --watch (acode reads it to its end).");
        }

        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        if (!stream.CanSeek)
        {
            // A fifo found in a followed folder: what it gives can be read once, never again from where a read stopped.
            throw new IOException($"'{Path}' is a pipe or fifo, not a file: it can be read once, not followed. Import it without --watch (acode reads it to its end).");
        }

        if (stream.Length < Offset || !StillHolds(stream))
        {
            return false;
        }

        if (Offset == 0 && SkipByteOrderMark(stream))
        {
            Offset = Utf8ByteOrderMark.Length; // a UTF-8 byte-order mark is not part of the first line
        }

        stream.Seek(Offset, SeekOrigin.Begin);
        long start = Offset;
        _truncatedTail = false;
        foreach (TranscriptLine line in _reader.Read(stream, _nextLine, consumed => Offset = start + consumed))
        {
            if (line.Terminated)
            {
                _nextLine = line.Number + 1;
                Process(line);
            }
            else if (final && !_tailProcessed && IsRecord(line))
            {
                // A complete record the writer has not ended with a newline (yet): imported now, and not again once its newline comes.
                Process(line);
                _tailProcessed = true;
            }
            else if (!_tailProcessed)
            {
                _truncatedTail = true;
            }
        }

        Remember(stream);

        // Lines read before the first record with a time wait for it (the session's id and times come from it): a file
        // with no timed record at all (Claude Code writes some holding only summaries) is not imported, only counted.
        return true;
    }

    /// <summary>How many bytes of the start of what was read, and of its end, are kept to tell a file that grew from one that was replaced.</summary>
    private const int FingerprintBytes = 4096;

    private byte[] _head = [];
    private byte[] _tail = [];
    private long _rememberedAt;

    /// <summary>
    /// Whether the file still starts and (at <see cref="Offset"/>) goes on with the bytes read before: an agent only
    /// appends, so other bytes there mean the file was replaced (copied over, renamed over, restored from a backup)
    /// by a file no shorter, which is read again from its start like one that got shorter.
    /// </summary>
    private bool StillHolds(FileStream stream)
        => Offset == 0 || Same(stream, 0, _head) && Same(stream, Offset - _tail.Length, _tail);

    // Offset only grows in a source (a replaced file is read by a new one): the head is read until it is whole, the tail
    // when the offset moved; a poll that found nothing new reads neither.
    private void Remember(FileStream stream)
    {
        if (Offset == _rememberedAt)
        {
            return;
        }

        int length = (int)Math.Min(Offset, FingerprintBytes);
        if (_head.Length < length)
        {
            _head = ReadAt(stream, 0, length);
        }

        _tail = ReadAt(stream, Offset - length, length);
        _rememberedAt = Offset;
    }

    private static bool Same(FileStream stream, long position, byte[] expected)
        => ReadAt(stream, position, expected.Length).AsSpan().SequenceEqual(expected);

    private static byte[] ReadAt(FileStream stream, long position, int length)
    {
        var buffer = new byte[length];
        stream.Seek(position, SeekOrigin.Begin);
        int read = stream.ReadAtLeast(buffer, length, throwOnEndOfStream: false);
        return read == length ? buffer : buffer[..read];
    }

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private static bool SkipByteOrderMark(FileStream stream)
    {
        Span<byte> start = stackalloc byte[3];
        int read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        return read == start.Length && start.SequenceEqual(Utf8ByteOrderMark);
    }

    public TranscriptProblems Problems()
    {
        int unpaired = Graph.SessionState == Domain.Entities.SessionState.Executing ? 0 : Graph.ToolCalls.Count(c => c.Status == ToolCallStatus.Running);
        return _problems.ToProblems(unpaired, _truncatedTail);
    }

    /// <summary>The line's JSON object, escapes of lone surrogates read as U+FFFD (<see cref="JsonEscapes"/>); null when it is not one.</summary>
    private static JsonDocument? ParseRecord(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonValues.Parse(text, ParseOptions);
        }
        catch (JsonException)
        {
            return null;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return null;
        }

        return document;
    }

    private static bool IsRecord(TranscriptLine line)
    {
        using JsonDocument? document = ParseRecord(line.Text);
        return document is not null;
    }

    private void Process(TranscriptLine line)
    {
        if (_tailProcessed && line.Terminated)
        {
            // The unterminated record imported by a final read has now got its newline: it was imported already.
            _tailProcessed = false;
            return;
        }

        if (line.Oversized)
        {
            _problems.OversizedLines++;
        }
        else if (line.InvalidUtf8)
        {
            _problems.InvalidUtf8Lines++;
        }

        JsonDocument? document = null;
        if (!line.Oversized)
        {
            document = ParseRecord(line.Text);
            if (document is null && string.IsNullOrWhiteSpace(line.Text))
            {
                return; // an empty line carries nothing
            }

            if (document is null)
            {
                _problems.MalformedLines++;
            }
        }

        if (!line.Oversized)
        {
            ContentLines++; // an oversized line is never parsed, so it cannot tell whose format the file is
        }

        if (document is not null)
        {
            if (_mapper.IsOwnRecord(document.RootElement))
            {
                OwnRecords++;
            }
            else
            {
                ForeignFormat ??= TranscriptFormat.Guess(document.RootElement);
            }
        }

        using (document)
        {
            if (document is not null && _mapper.Repeats(document.RootElement))
            {
                return;
            }

            DateTimeOffset? time = document is null ? null : _mapper.TimeOf(document.RootElement);
            if (time is null && document is not null && document.RootElement.ValueKind == JsonValueKind.Object && _mapper.GivesTime(document.RootElement))
            {
                _problems.InvalidTimestamps++; // read as absent: the line takes the previous line's time
            }

            if (!Graph.HasTime && time is null)
            {
                _deferred.Add(line);
                return;
            }

            if (!Graph.HasTime && _deferred.Count > 0)
            {
                // Lines before the first timed one (a summary…) are mapped first, at its time, in file order.
                Graph.BeginLine(time);
                Graph.EndLine();
                ReplayDeferred();
            }

            Graph.BeginLine(time);
            Map(line, document);
            Graph.EndLine();
        }
    }

    private void ReplayDeferred()
    {
        if (_deferred.Count == 0 || !Graph.HasTime)
        {
            return;
        }

        List<TranscriptLine> lines = [.. _deferred];
        _deferred.Clear();
        foreach (TranscriptLine line in lines)
        {
            using JsonDocument? document = line.Oversized ? null : ParseRecord(line.Text);
            Graph.BeginLine(null);
            Map(line, document);
            Graph.EndLine();
        }
    }

    private void Map(TranscriptLine line, JsonDocument? document)
    {
        if (line.Oversized)
        {
            // The line is stored only as its start, redacted before the cut: the store cannot find those secrets again.
            var redacted = new RedactionCounts();
            string start = Graph.Excerpt(line.Text, TranscriptLineReader.OversizedPrefixBytes, redacted);
            Graph.AddEvent("transcript.oversized_line", TranscriptGraph.Json(w =>
            {
                w.WriteNumber("line", line.Number);
                w.WriteNumber("bytes", line.ByteLength);
                w.WriteText("start", start);
            }), redacted);
        }
        else if (document is null)
        {
            Graph.AddEvent("transcript.malformed_line", TranscriptGraph.Json(w =>
            {
                w.WriteNumber("line", line.Number);
                w.WriteText("text", line.Text);
            }));
        }
        else
        {
            try
            {
                _mapper.Map(Graph, document.RootElement, line.Number, _problems);
            }
            catch (Exception ex) when (ex is InvalidOperationException or JsonException or FormatException or ArgumentException or OverflowException or KeyNotFoundException)
            {
                // A record the mapper cannot read (a fault of the importer's, or input it did not foresee) must not stop
                // the import: the line is counted and kept as it is; what it mapped before the fault stays.
                _problems.MalformedLines++;
                Graph.AddEvent("transcript.malformed_line", TranscriptGraph.Json(w =>
                {
                    w.WriteNumber("line", line.Number);
                    w.WriteText("text", line.Text);
                    w.WriteText("error", ex.Message);
                }));
            }
        }
    }
}

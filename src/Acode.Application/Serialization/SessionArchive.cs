namespace Acode.Application.Serialization;

/// <summary>
/// The export format: JSON Lines, one <see cref="EntityDocument"/> per line, parents first (the session, its
/// tasks, steps, tool calls, artifacts, then its events in sequence order). A file may hold several sessions,
/// each starting with its session line, which says how many lines the session has (<c>exportLines</c>; an event
/// appended while the session was being written may add more). Importing restores ids, versions and timestamps
/// exactly, and refuses a session with fewer lines than its session line says (docs/json-format.md).
/// </summary>
public static class SessionArchive
{
    internal const int EventBatchSize = 1000;

    /// <summary>Writes one saved session and all its events, its first line saying how many lines it has (<c>exportLines</c>).</summary>
    public static Task WriteAsync(TextWriter writer, IRunStateStore store, Session session, CancellationToken cancellationToken = default)
        => WriteAsync(writer, store, session, countLines: true, cancellationToken);

    /// <summary>The lines of <see cref="WriteAsync(TextWriter, IRunStateStore, Session, CancellationToken)"/> without <c>exportLines</c>: the documents <c>session show --json</c> lists.</summary>
    internal static Task WriteDocumentsAsync(TextWriter writer, IRunStateStore store, Session session, CancellationToken cancellationToken = default)
        => WriteAsync(writer, store, session, countLines: false, cancellationToken);

    private static async Task WriteAsync(TextWriter writer, IRunStateStore store, Session session, bool countLines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(session);
        Step[] steps = [.. session.Tasks.SelectMany(t => t.Steps)];
        // Counted before the events are read: one appended meanwhile adds a line, never takes one away.
        long? lines = countLines
            ? 1 + session.Tasks.Count + steps.Length + steps.Sum(s => s.ToolCalls.Count) + session.Artifacts.Count
                + await store.CountEventsAsync(session.Id, cancellationToken).ConfigureAwait(false)
            : null;
        var document = ((SessionDocument)EntityDocuments.From(session)).WithExportLines(lines);
        await writer.WriteLineAsync(EntityJson.Serialize(document).AsMemory(), cancellationToken).ConfigureAwait(false);
        foreach (SessionTask task in session.Tasks)
        {
            await WriteLineAsync(writer, task, cancellationToken).ConfigureAwait(false);
        }

        foreach (Step step in steps)
        {
            await WriteLineAsync(writer, step, cancellationToken).ConfigureAwait(false);
        }

        foreach (ToolCall call in steps.SelectMany(s => s.ToolCalls))
        {
            await WriteLineAsync(writer, call, cancellationToken).ConfigureAwait(false);
        }

        foreach (Artifact artifact in session.Artifacts)
        {
            await WriteLineAsync(writer, artifact, cancellationToken).ConfigureAwait(false);
        }

        for (long after = 0; ;)
        {
            IReadOnlyList<SessionEvent> events = await store.ReadEventsAsync(session, after, EventBatchSize, cancellationToken).ConfigureAwait(false);
            foreach (SessionEvent evt in events)
            {
                await WriteLineAsync(writer, evt, cancellationToken).ConfigureAwait(false);
            }

            if (events.Count < EventBatchSize)
            {
                break;
            }

            after = events[^1].Sequence;
        }
    }

    /// <summary>
    /// Reads every session of an export given as bytes (strict UTF-8; <see cref="ExportLineReader"/>): a line costs about
    /// twice its size in memory, and a line whose start already shows it is no entity document is refused without
    /// being held whole.
    /// </summary>
    /// <exception cref="FormatException">A line is not a document, or out of order, or the bytes are not UTF-8; the message names the line.</exception>
    internal static async IAsyncEnumerable<SessionGraphBuilder> ReadAsync(Stream stream, TimeProvider? clock = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var lines = new ExportLineReader(stream, prefix => IsBlank(prefix.Span) ? null : EntityJson.RefusalOf(prefix.Span));
        SessionGraphBuilder? current = null;
        int lineNumber = 0;
        while (await ReadLineAsync(lines, lineNumber, cancellationToken).ConfigureAwait(false))
        {
            lineNumber++;
            if (lines.Refusal is { } refusal)
            {
                throw new FormatException($"Line {lineNumber}: {refusal}");
            }

            if (IsBlank(lines.Line.Span))
            {
                continue;
            }

            if (Add(ref current, Parse(lines.Line.Span, lineNumber), lineNumber, clock) is { } done)
            {
                yield return Whole(done, $"Line {lineNumber}: session {done.Session!.Id} ends before this line");
            }
        }

        if (current?.Session is not null)
        {
            yield return Whole(current, $"Line {lineNumber}: the file ends, and session {current.Session.Id} with it,");
        }
    }

    /// <summary><paramref name="graph"/>, unless it has fewer lines than its session line says (<c>exportLines</c>).</summary>
    /// <exception cref="FormatException">Lines of the session are missing.</exception>
    private static SessionGraphBuilder Whole(SessionGraphBuilder graph, string where)
        => graph.ExportLines is { } announced && graph.Documents < announced
            ? throw new FormatException(
                $"{where} after {graph.Documents} of the {announced} lines its first line announces (\"exportLines\"): the export was cut off, "
                + "or lines of it were removed (if they were removed on purpose, delete \"exportLines\" from the session's line to import the rest).")
            : graph;

    /// <summary>Adds a line's document to the session being read; returns the session before it when the line starts another.</summary>
    private static SessionGraphBuilder? Add(ref SessionGraphBuilder? current, EntityDocument document, int lineNumber, TimeProvider? clock)
    {
        SessionGraphBuilder? done = null;
        if (document is SessionDocument && current?.Session is not null)
        {
            done = current;
            current = null;
        }

        current ??= new SessionGraphBuilder(clock);
        try
        {
            current.Add(document);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"Line {lineNumber}: {ex.Message}", ex);
        }

        return done;
    }

    /// <summary>Whether the UTF-8 text is empty or white space only (as <see cref="string.IsNullOrWhiteSpace"/> judges it; a sequence cut at the end counts as blank).</summary>
    private static bool IsBlank(ReadOnlySpan<byte> utf8)
    {
        while (!utf8.IsEmpty)
        {
            if (System.Text.Rune.DecodeFromUtf8(utf8, out System.Text.Rune rune, out int length) == System.Buffers.OperationStatus.Done && !System.Text.Rune.IsWhiteSpace(rune))
            {
                return false;
            }

            utf8 = utf8[length..];
        }

        return true;
    }

    private static async Task<bool> ReadLineAsync(ExportLineReader lines, int linesRead, CancellationToken cancellationToken)
    {
        try
        {
            return await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.DecoderFallbackException ex)
        {
            throw NotUtf8(linesRead, ex);
        }
    }

    private static FormatException NotUtf8(int linesRead, System.Text.DecoderFallbackException ex)
        => new($"Line {linesRead + 1} (or one shortly after it): the file is not valid UTF-8 ({ex.Message.TrimEnd('.')}). An export written by acode is always UTF-8; this file was damaged or edited by something else.", ex);

    private static EntityDocument Parse(ReadOnlySpan<byte> line, int lineNumber)
    {
        try
        {
            return EntityJson.Deserialize(line);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"Line {lineNumber}: {ex.Message}", ex);
        }
    }

    private static Task WriteLineAsync(TextWriter writer, Entity entity, CancellationToken cancellationToken)
        => writer.WriteLineAsync(EntityJson.Serialize(EntityDocuments.From(entity)).AsMemory(), cancellationToken);
}

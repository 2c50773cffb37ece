namespace Acode.Application.Serialization;

/// <summary>
/// The export format: JSON Lines, one <see cref="EntityDocument"/> per line, parents first (the session, its
/// tasks, steps, tool calls, artifacts, then its events in sequence order). A file may hold several sessions,
/// each starting with its session line. Importing restores ids, versions and timestamps exactly.
/// </summary>
public static class SessionArchive
{
    internal const int EventBatchSize = 1000;

    /// <summary>Writes one saved session and all its events.</summary>
    public static async Task WriteAsync(TextWriter writer, IRunStateStore store, Session session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(session);
        await WriteLineAsync(writer, session, cancellationToken).ConfigureAwait(false);
        foreach (SessionTask task in session.Tasks)
        {
            await WriteLineAsync(writer, task, cancellationToken).ConfigureAwait(false);
        }

        IEnumerable<Step> steps = session.Tasks.SelectMany(t => t.Steps);
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

    /// <summary>Reads every session of an export, rebuilt with its events.</summary>
    /// <exception cref="FormatException">A line is not a document, or out of order; the message names the line.</exception>
    internal static async IAsyncEnumerable<SessionGraphBuilder> ReadAsync(TextReader reader, TimeProvider? clock = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        SessionGraphBuilder? current = null;
        int lineNumber = 0;
        while (await ReadLineAsync(reader, lineNumber, cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            EntityDocument document = Parse(line, lineNumber);
            if (document is SessionDocument && current?.Session is not null)
            {
                yield return current;
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
        }

        if (current?.Session is not null)
        {
            yield return current;
        }
    }

    /// <summary>
    /// The next line. A reader that refuses ill-formed bytes (a strict UTF-8 decoder, as <c>acode session import</c> uses)
    /// makes a file with invalid UTF-8 a <see cref="FormatException"/> naming where it was found, not silently altered text.
    /// </summary>
    private static async Task<string?> ReadLineAsync(TextReader reader, int linesRead, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.DecoderFallbackException ex)
        {
            throw new FormatException($"Line {linesRead + 1} (or one shortly after it): the file is not valid UTF-8 ({ex.Message.TrimEnd('.')}). An export written by acode is always UTF-8; this file was damaged or edited by something else.", ex);
        }
    }

    private static EntityDocument Parse(string line, int lineNumber)
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

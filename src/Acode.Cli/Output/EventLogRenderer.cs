using Acode.Application;
using System.Globalization;
using Spectre.Console;

namespace Acode.Cli.Output;

/// <summary>Prints a session's event log for <c>acode session show --events</c>: one line per event, in sequence order.</summary>
internal static class EventLogRenderer
{
    /// <summary>Events read per query, so a long log is never held in memory at once.</summary>
    private const int BatchSize = 500;

    /// <summary>
    /// Writes <c>Event log (N)</c> (N: how many events the log holds), then per event its sequence, time (UTC, milliseconds, Z), type and payload JSON:
    /// the payload's first <see cref="SessionTreeRenderer.PreviewLength"/> characters, or all of it when <paramref name="full"/>.
    /// </summary>
    public static async Task WriteAsync(IAnsiConsole console, IRunStateStore store, Session session, bool full, CancellationToken cancellationToken)
    {
        long count = await store.CountEventsAsync(session.Id, cancellationToken);
        console.MarkupLine($"[bold]Event log[/] ({count.ToString(CultureInfo.InvariantCulture)})");
        int width = Math.Max(1, session.LastEventSequence.ToString(CultureInfo.InvariantCulture).Length);
        for (long after = 0; ;)
        {
            IReadOnlyList<SessionEvent> batch = await store.ReadEventsAsync(session, after, BatchSize, cancellationToken);
            foreach (SessionEvent evt in batch)
            {
                string readable = Display.ReadableJson(evt.PayloadJson);
                string payload = full ? Display.SafeLines(readable) : Display.Safe(readable, SessionTreeRenderer.PreviewLength);
                console.MarkupLine($"{evt.Sequence.ToString(CultureInfo.InvariantCulture).PadLeft(width)}  {Display.Time(evt.CreatedAt)}  [bold]{Display.Safe(evt.Type)}[/]  {payload}");
            }

            if (batch.Count < BatchSize)
            {
                return;
            }

            after = batch[^1].Sequence;
        }
    }
}

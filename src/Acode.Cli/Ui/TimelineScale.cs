using System.Globalization;

namespace Acode.Cli.Ui;

/// <summary>
/// The time axis of a session's waterfall: from the session's creation (or its earliest start) to its last recorded
/// instant. Bars are placed in percent of that span; what is still running reaches the end of the axis.
/// </summary>
internal sealed class TimelineScale
{
    private readonly DateTimeOffset _start;
    private readonly double _spanTicks;

    public TimelineScale(Session session)
    {
        DateTimeOffset start = session.CreatedAt;
        DateTimeOffset end = session.UpdatedAt;
        foreach (SessionTask task in session.Tasks)
        {
            Widen(ref start, ref end, task.StartedAt, task.CompletedAt);
            foreach (Step step in task.Steps)
            {
                Widen(ref start, ref end, step.StartedAt, step.CompletedAt);
                foreach (ToolCall call in step.ToolCalls)
                {
                    Widen(ref start, ref end, call.StartedAt ?? call.CreatedAt, EndOf(call));
                }
            }
        }

        _start = start;
        End = end;
        _spanTicks = Math.Max((end - start).Ticks, TimeSpan.TicksPerMillisecond);
    }

    public DateTimeOffset Start => _start;

    public DateTimeOffset End { get; }

    public TimeSpan Span => TimeSpan.FromTicks((long)_spanTicks);

    /// <summary>Where a bar starts and how wide it is, in percent of the axis as invariant text ("12.345"), or null when it never started.</summary>
    public (string Left, string Width)? Place(DateTimeOffset? startedAt, DateTimeOffset? endedAt)
    {
        if (startedAt is not { } begin)
        {
            return null;
        }

        DateTimeOffset finish = endedAt ?? End;
        double left = Math.Clamp((begin - _start).Ticks / _spanTicks * 100, 0, 100);
        double width = Math.Clamp((finish - begin).Ticks / _spanTicks * 100, 0, 100 - left);
        return (left.ToString("0.###", CultureInfo.InvariantCulture), width.ToString("0.###", CultureInfo.InvariantCulture));
    }

    /// <summary>When a tool call ended: its completion, else its start plus its reported duration, else null (still running).</summary>
    public static DateTimeOffset? EndOf(ToolCall call)
        => call.CompletedAt ?? (call.Duration is { } d && (call.StartedAt ?? call.CreatedAt) is var s ? s + d : null);

    private static void Widen(ref DateTimeOffset start, ref DateTimeOffset end, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is { } f && f < start && f != default)
        {
            start = f;
        }

        if (to is { } t && t > end)
        {
            end = t;
        }

        if (from is { } g && g > end)
        {
            end = g;
        }
    }
}

namespace Acode.Infrastructure.Imports;

/// <summary>
/// Where the events of an import go in a session's log (docs/architecture.md, "Event sequence numbers"), the same rule on
/// both engines. An event is an insert-only entry of a log identified by its id, so an incoming event whose id is stored
/// is the same event and is not placed at all (the caller leaves it alone). An incoming event with a new id keeps its
/// sequence number when that number is free; once one finds its number taken (by a stored event, or by an earlier
/// incoming event with the same number: PostgreSQL keeps both when two workspaces each added an event at the number),
/// it and every later incoming event go after the end of the log, in the incoming order, never below their own number.
/// Nothing is dropped, and numbers stay unique per session.
/// </summary>
internal static class ImportedEventPlacement
{
    /// <summary>The incoming events' order: by sequence, then by id (ordinal), so every engine and every reader places them alike.</summary>
    public static IOrderedEnumerable<SessionEvent> InLogOrder(IEnumerable<SessionEvent> events)
        => events.OrderBy(e => e.Sequence).ThenBy(e => e.EntityId, StringComparer.Ordinal);

    /// <summary>The sequence number each new event is stored at.</summary>
    /// <param name="sequences">The new events' own numbers, in <see cref="InLogOrder"/>.</param>
    /// <param name="taken">The numbers among <paramref name="sequences"/> that stored events of the session hold.</param>
    /// <param name="lastStored">The highest number the session's stored log holds (0 when it has no events).</param>
    /// <returns>One number per entry of <paramref name="sequences"/>, unique and not in <paramref name="taken"/>.</returns>
    public static long[] Place(IReadOnlyList<long> sequences, IReadOnlySet<long> taken, long lastStored)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(taken);
        var placed = new long[sequences.Count];
        var used = new HashSet<long>(taken);
        long last = lastStored;
        bool moving = false;
        for (int i = 0; i < placed.Length; i++)
        {
            long own = sequences[i];
            if (!moving && used.Add(own))
            {
                placed[i] = own;
            }
            else
            {
                moving = true;
                placed[i] = Math.Max(own, last + 1);
            }

            last = Math.Max(last, placed[i]);
        }

        return placed;
    }
}

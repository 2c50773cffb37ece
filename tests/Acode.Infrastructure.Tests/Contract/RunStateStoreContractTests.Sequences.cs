using System.Text.Json.Nodes;
using Acode.Application;
using Acode.Application.Serialization;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>
/// An imported event whose sequence number another event of the session holds (docs/architecture.md, "Event sequence
/// numbers"): a new id goes after the end of the log, in order; a stored id is that event. Nothing is lost, nothing throws.
/// </summary>
public abstract partial class RunStateStoreContractTests
{
    [Fact]
    public async Task ImportAsync_puts_a_new_event_whose_number_was_taken_meanwhile_after_the_end_of_the_log()
    {
        Session original = await SavedRichSession();
        (Session v1, IReadOnlyList<SessionEvent> v1Events) = await Export(Source, original.Id);
        await Store.ImportAsync(v1, v1Events);
        long end = v1.LastEventSequence;
        (EventId local, long localSequence) = (await Store.AppendEventAsync(original.Id, "local.note"))!.Value;
        original.AppendEvent("source.note", "{\"n\":1}");
        original.AppendEvent("source.note", "{\"n\":2}");
        await Source.SaveAsync(original);
        (Session v2, IReadOnlyList<SessionEvent> v2Events) = await Export(Source, original.Id);

        ImportResult grown = await Store.ImportAsync(v2, v2Events);
        string afterGrowth = await SnapshotAsync();
        ImportResult again = await Store.ImportAsync(v2, v2Events);

        Assert.Equal(end + 1, localSequence);
        Assert.Equal(2, grown.Inserted);
        Assert.Equal(0, again.Inserted + again.Updated);
        Assert.Equal(afterGrowth, await SnapshotAsync());
        List<SessionEvent> stored = [.. await Store.ReadEventsAsync((await Store.GetSessionAsync(original.Id))!)];
        Assert.Equal(v2Events.Select(e => e.Id.Value).Append(local.Value).Order(StringComparer.Ordinal), stored.Select(e => e.Id.Value).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(1, (int)end + 3).Select(i => (long)i), stored.Select(e => e.Sequence));
        Assert.Equal(local, stored[(int)end].Id);
        Assert.Equal(["{\"n\":1}", "{\"n\":2}"], stored.Skip((int)end + 1).Select(e => e.PayloadJson));
        Assert.Equal(end + 3, (await Store.GetSessionAsync(original.Id))!.LastEventSequence);
    }

    [Fact]
    public async Task ImportAsync_keeps_both_of_two_events_that_share_a_number_and_a_second_import_changes_nothing()
    {
        Session original = await SavedRichSession();
        (Session rebuilt, IReadOnlyList<SessionEvent> events) = await Export(Source, original.Id);
        long end = rebuilt.LastEventSequence;

        // As PostgreSQL holds a session two workspaces each added an event to at the same number (session export --remote).
        List<string> lines = [.. TestSessions.Documents(rebuilt), .. TestSessions.Documents(events)];
        JsonObject last = JsonNode.Parse(lines[^1])!.AsObject();
        last["sequence"] = events[0].Sequence;
        lines[^1] = last.ToJsonString();
        var builder = new SessionGraphBuilder();
        lines.ForEach(line => builder.Add(EntityJson.Deserialize(line)));

        ImportResult first = await Store.ImportAsync(builder.Session!, builder.Events);
        string before = await SnapshotAsync();
        ImportResult second = await Store.ImportAsync(builder.Session!, builder.Events);

        Assert.Equal(TestSessions.EntitiesOf(rebuilt).Count + events.Count, first.Inserted);
        Assert.Equal(0, second.Inserted + second.Updated);
        Assert.Equal(before, await SnapshotAsync());
        IReadOnlyList<SessionEvent> stored = await Store.ReadEventsAsync((await Store.GetSessionAsync(original.Id))!);
        Assert.Equal(events.Select(e => e.Id.Value).Order(StringComparer.Ordinal), stored.Select(e => e.Id.Value).Order(StringComparer.Ordinal));
        Assert.Equal(stored.Count, stored.Select(e => e.Sequence).Distinct().Count());

        // Of the two, the lower id keeps the number; the other goes after the end of the log, and so do the events after it.
        SessionEvent[] pair = [.. events.Where(e => e.Sequence == events[0].Sequence || e.Id == events[^1].Id).OrderBy(e => e.Id.Value, StringComparer.Ordinal)];
        Assert.Equal(events[0].Sequence, stored.Single(e => e.Id == pair[0].Id).Sequence);
        Assert.True(stored.Single(e => e.Id == pair[1].Id).Sequence > events[0].Sequence);
        Assert.Equal(end, (await Store.GetSessionAsync(original.Id))!.LastEventSequence);
    }

    [Fact]
    public async Task CountEventsAsync_counts_the_events_stored_not_the_last_sequence_number()
    {
        Session original = await SavedRichSession();
        (Session rebuilt, IReadOnlyList<SessionEvent> events) = await Export(Source, original.Id);

        // As an imported transcript's sub-agent events are numbered apart from the session's own (docs/import.md).
        List<string> lines = [.. TestSessions.Documents(rebuilt), .. TestSessions.Documents(events)];
        JsonObject last = JsonNode.Parse(lines[^1])!.AsObject();
        last["sequence"] = 433_177_404_903_522_306L;
        lines[^1] = last.ToJsonString();
        var builder = new SessionGraphBuilder();
        lines.ForEach(line => builder.Add(EntityJson.Deserialize(line)));
        await Store.ImportAsync(builder.Session!, builder.Events);

        Assert.Equal(433_177_404_903_522_306L, (await Store.GetSessionAsync(original.Id))!.LastEventSequence);
        Assert.Equal(events.Count, await Store.CountEventsAsync(original.Id));
        Assert.Equal(0, await Store.CountEventsAsync(SessionId.New()));
    }
}

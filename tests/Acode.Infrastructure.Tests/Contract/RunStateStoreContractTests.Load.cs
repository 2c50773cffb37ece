using Acode.Application;
using Acode.Application.Serialization;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>Reads of the store: a session graph and its event log, loaded by a store that did not write them.</summary>
public abstract partial class RunStateStoreContractTests
{
    [Fact]
    public async Task GetSessionAsync_returns_every_field_as_it_was_saved()
    {
        Session saved = TestSessions.Rich();
        await Store.SaveAsync(saved);

        Session? loaded = await (await OpenOtherStoreAsync()).GetSessionAsync(saved.Id);

        Assert.NotNull(loaded);
        Assert.Equal(Stored(TestSessions.Documents(saved)), TestSessions.Documents(loaded));
        Assert.Equal(saved.LastEventSequence, loaded.LastEventSequence);
        Assert.Empty(loaded.PendingChanges);
        Assert.Equal([2, 1], loaded.Tasks.Select(t => t.Steps.Count));
        Assert.Equal([1, 2, 1], loaded.Tasks.SelectMany(t => t.Steps).Select(s => s.ToolCalls.Count));
    }

    [Fact]
    [Trait("Issue", "trialAS.5")]
    public async Task Tasks_and_steps_sharing_an_ordinal_load_in_the_order_of_their_ids_whatever_order_they_were_written_in()
    {
        // Two machines continuing one transcript each make a task of the same ordinal (trial AS 5): every store and every
        // machine must list them alike, whichever was written first.
        Session saved = Session.Create("same ordinals");
        SessionTask first = saved.AddTask("first");
        first.AddStep("a");
        first.AddStep("b");
        saved.AddTask("second");
        await Source.SaveAsync(saved);
        List<string> lines = TestSessions.Documents((await Source.GetSessionAsync(saved.Id))!);
        static bool IsTask(string line) => line.Contains("\"id\":\"task_", StringComparison.Ordinal);
        static bool IsStep(string line) => line.Contains("\"id\":\"step_", StringComparison.Ordinal);
        static string AtOrdinalOne(string line) => System.Text.RegularExpressions.Regex.Replace(line, "\"ordinal\":[0-9]+", "\"ordinal\":1");
        // Written in the reverse order of the ids: the greater id first.
        IEnumerable<string> Reversed(Func<string, bool> kind) => lines.Where(kind).Select(AtOrdinalOne).OrderByDescending(l => l, StringComparer.Ordinal);
        var builder = new SessionGraphBuilder();
        foreach (string line in lines.Where(l => !IsTask(l) && !IsStep(l)).Take(1).Concat(Reversed(IsTask)).Concat(Reversed(IsStep)).Concat(lines.Skip(1).Where(l => !IsTask(l) && !IsStep(l))))
        {
            builder.Add(EntityJson.Deserialize(line));
        }

        await Store.ImportAsync(builder.Session!, builder.Events);
        Session loaded = (await (await OpenOtherStoreAsync()).GetSessionAsync(saved.Id))!;

        Assert.Equal(loaded.Tasks.Select(t => t.Id.Value).Order(StringComparer.Ordinal), loaded.Tasks.Select(t => t.Id.Value));
        Assert.All(loaded.Tasks, t => Assert.Equal(1, t.Ordinal));
        SessionTask withSteps = Assert.Single(loaded.Tasks, t => t.Steps.Count == 2);
        Assert.Equal(withSteps.Steps.Select(p => p.Id.Value).Order(StringComparer.Ordinal), withSteps.Steps.Select(p => p.Id.Value));
    }

    [Fact]
    public async Task GetSessionAsync_keeps_megabytes_of_output_and_artifact_bytes()
    {
        Session saved = TestSessions.Rich();
        await Store.SaveAsync(saved);

        Session loaded = (await Store.GetSessionAsync(saved.Id))!;

        IReadOnlyList<ToolCall> calls = loaded.Tasks[0].Steps.SelectMany(s => s.ToolCalls).ToList();
        Assert.Equal(TestSessions.MegabyteOfLog(), calls[1].Result);
        Assert.True(calls[1].Result!.Length >= 1 << 20);
        Assert.Equal(TestSessions.AllBytes, loaded.Artifacts[0].Content!.Value.ToArray());
        Assert.True(loaded.Artifacts[1].HasContent, "an empty artifact content came back as 'no content'");
        Assert.Equal(0, loaded.Artifacts[1].Content!.Value.Length);
        Assert.False(loaded.Artifacts[2].HasContent);
        Assert.Equal(new string('a', 64), loaded.Artifacts[2].ContentHash);
    }

    [Fact]
    public async Task GetSessionAsync_returns_text_with_a_lone_surrogate_as_the_replacement_character_saved()
    {
        Session session = Session.Create("bad \uD800 title");
        ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("tool", "{}");
        call.Succeed("half a pair: \uDC00 and a whole one: \U0001F600");
        await Store.SaveAsync(session);

        Session loaded = (await Store.GetSessionAsync(session.Id))!;

        Assert.Equal("bad \uFFFD title", loaded.Title);
        Assert.Equal("half a pair: \uFFFD and a whole one: \U0001F600", loaded.FindToolCall(call.Id)!.Result);
        Assert.Equal(TestSessions.Documents(session), TestSessions.Documents(loaded));
    }

    [Fact]
    public async Task GetSessionAsync_returns_null_for_an_unknown_id()
    {
        await Store.SaveAsync(TestSessions.Rich());

        Assert.Null(await Store.GetSessionAsync(SessionId.New()));
    }

    [Fact]
    public async Task GetSessionAsync_returns_a_session_that_can_be_changed_and_saved_again()
    {
        Session saved = TestSessions.Rich();
        await Store.SaveAsync(saved);

        Session loaded = (await Store.GetSessionAsync(saved.Id))!;
        loaded.TransitionTo(SessionState.Completed);
        await Store.SaveAsync(loaded);

        Session reloaded = (await Store.GetSessionAsync(saved.Id))!;
        Assert.Equal(SessionState.Completed, reloaded.State);
        Assert.Equal(2, reloaded.Version);
        Assert.Equal(saved.CreatedAt, reloaded.CreatedAt);
        Assert.Equal(saved.LastEventSequence + 1, reloaded.LastEventSequence);
    }

    [Fact]
    public async Task ReadEventsAsync_returns_the_events_in_sequence_order()
    {
        Session session = await Store.CreateSessionAsync("events");
        for (int i = 0; i < 24; i++)
        {
            session.AppendEvent("step.note", $$"""{"i":{{i}}}""");
            if (i % 5 == 0)
            {
                await Store.SaveAsync(session);
            }
        }

        await Store.SaveAsync(session);

        IReadOnlyList<SessionEvent> events = await Store.ReadEventsAsync(session);

        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal("session.created", events[0].Type);
        Assert.Equal("""{"i":23}""", events[^1].PayloadJson);
        Assert.All(events, e => Assert.Equal(session.Id, e.SessionId));
        Assert.All(events, e => Assert.Equal(1, e.Version));
    }

    [Fact]
    public async Task ReadEventsAsync_pages_with_after_sequence_and_limit()
    {
        Session session = Session.Create("events");
        for (int i = 0; i < 9; i++)
        {
            session.AppendEvent("tick");
        }

        await Store.SaveAsync(session);

        IReadOnlyList<SessionEvent> middle = await Store.ReadEventsAsync(session, afterSequence: 3, limit: 4);
        IReadOnlyList<SessionEvent> tail = await Store.ReadEventsAsync(session, afterSequence: 8, limit: 100);
        IReadOnlyList<SessionEvent> none = await Store.ReadEventsAsync(session, afterSequence: 10);

        Assert.Equal([4L, 5L, 6L, 7L], middle.Select(e => e.Sequence));
        Assert.Equal([9L, 10L], tail.Select(e => e.Sequence));
        Assert.Empty(none);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadEventsAsync(session, limit: 0));
    }

    [Fact]
    public async Task ReadEventsAsync_returns_the_events_exactly_as_saved()
    {
        Session session = TestSessions.Rich();
        List<SessionEvent> pending = session.PendingChanges.OfType<SessionEvent>().ToList();
        await Store.SaveAsync(session);

        IReadOnlyList<SessionEvent> events = await Store.ReadEventsAsync(session);

        Assert.Equal(Stored(TestSessions.Documents(pending)), TestSessions.Documents(events));
    }

    [Fact]
    public async Task AppendEventAsync_appends_the_next_sequence_without_loading_the_session()
    {
        Session session = await Store.CreateSessionAsync("logged into");

        (EventId Id, long Sequence)? first = await Store.AppendEventAsync(session.Id, "tool.output", """{"line":1}""");
        (EventId Id, long Sequence)? second = await Store.AppendEventAsync(session.Id, "tool.output", """{"line":2}""");

        Assert.Equal(2, first!.Value.Sequence);
        Assert.Equal(3, second!.Value.Sequence);
        IReadOnlyList<SessionEvent> events = await Store.ReadEventsAsync(session, 1);
        Assert.Equal(["""{"line":1}""", """{"line":2}"""], events.Select(e => e.PayloadJson));
        Assert.Equal([first.Value.Id, second.Value.Id], events.Select(e => e.Id));
        Assert.Equal(3, (await Store.GetSessionAsync(session.Id))!.LastEventSequence);
    }

    [Fact]
    public async Task AppendEventAsync_returns_null_for_an_unknown_or_deleted_session_and_rejects_bad_json()
    {
        Session session = await Store.CreateSessionAsync("s");
        Session deleted = await Store.CreateSessionAsync("deleted");
        await Store.DeleteSessionAsync(deleted.Id);

        Assert.Null(await Store.AppendEventAsync(SessionId.New(), "x"));
        Assert.Null(await Store.AppendEventAsync(deleted.Id, "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendEventAsync(session.Id, "x", "{not json"));
    }
}

using Acode.Domain.Entities;
using Acode.Domain.Tests.Support;

namespace Acode.Domain.Tests.Entities;

public class SessionEventTests
{
    [Fact]
    public void AppendEvent_keeps_the_payload_verbatim()
    {
        const string Payload = """{ "b" : 2, "a": "\u00e9\u0000" }""";

        SessionEvent evt = Session.Create("a").AppendEvent("custom.thing", Payload);

        Assert.Equal(Payload, evt.PayloadJson);
    }

    [Fact]
    public void AppendEvent_replaces_lone_surrogates_in_type_and_payload()
    {
        SessionEvent evt = Session.Create("a").AppendEvent("x\uD800", "\"\uDC00\"");

        Assert.Equal("x\uFFFD", evt.Type);
        Assert.Equal("\"\uFFFD\"", evt.PayloadJson);
    }

    [Fact]
    public void AppendEvent_rejects_a_payload_nested_deeper_than_64()
    {
        string json = new string('[', 65) + new string(']', 65);

        Assert.Throws<ArgumentException>(() => Session.Create("a").AppendEvent("x.y", json));
    }

    [Fact]
    public void Events_get_distinct_ids_that_sort_by_sequence()
    {
        var session = Session.Create("a");
        for (int i = 0; i < 100; i++)
        {
            session.AppendEvent("x.y");
        }

        List<SessionEvent> events = Sessions.PendingEvents(session);

        Assert.Equal(events.OrderBy(e => e.Sequence), events.OrderBy(e => e.Id.Value, StringComparer.Ordinal));
        Assert.Equal(101, events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void Restore_returns_a_detached_event_with_its_saved_stamps()
    {
        var session = Session.Restore(SessionId.New(), "a", null, SessionState.Executing, 10, 1, Sessions.Epoch, Sessions.Epoch);
        EventId id = EventId.New();

        SessionEvent evt = SessionEvent.Restore(session, id, 7, "x.y", "[1]", 1, Sessions.Epoch.AddTicks(3), Sessions.Epoch.AddTicks(3));

        Assert.Equal(id, evt.Id);
        Assert.Equal(7, evt.Sequence);
        Assert.Equal("x.y", evt.Type);
        Assert.Equal("[1]", evt.PayloadJson);
        Assert.Equal(session.Id, evt.SessionId);
        Assert.Equal(1, evt.Version);
        Assert.Equal(Sessions.Epoch.AddTicks(3), evt.CreatedAt);
        Assert.Empty(session.PendingChanges);
        Assert.Equal(10, session.LastEventSequence);
    }

    [Fact]
    public void Restore_raises_the_session_last_sequence_so_the_next_event_does_not_reuse_it()
    {
        var session = Session.Restore(SessionId.New(), "a", null, SessionState.Executing, 0, 1, Sessions.Epoch, Sessions.Epoch);

        SessionEvent.Restore(session, EventId.New(), 1, "session.created", "{}", 1, Sessions.Epoch, Sessions.Epoch);
        SessionEvent.Restore(session, EventId.New(), 12, "x.y", "{}", 1, Sessions.Epoch, Sessions.Epoch);

        Assert.Equal(12, session.LastEventSequence);
        Assert.Equal(13, session.AppendEvent("x.z").Sequence);
    }

    [Fact]
    public void AppendEvent_throws_ArgumentNullException_for_a_null_payload()
    {
        var session = Session.Create("a");

        var ex = Assert.Throws<ArgumentNullException>(() => session.AppendEvent("x.y", null!));

        Assert.Equal("payloadJson", ex.ParamName);
        Assert.Equal(1, session.LastEventSequence);
    }

    [Fact]
    public void Restore_rejects_a_null_session()
    {
        Assert.Throws<ArgumentNullException>(() => SessionEvent.Restore(null!, EventId.New(), 1, "x", "{}", 1, Sessions.Epoch, Sessions.Epoch));
    }
}

using System.Text.Json;
using Acode.Domain.Entities;
using Acode.Domain.Tests.Support;
using Acode.Domain.Time;

namespace Acode.Domain.Tests.Entities;

public class SessionTests
{
    [Fact]
    public void Create_starts_in_Created_with_a_new_id_and_no_work()
    {
        var session = Session.Create("Fix the build", "Make CI green");

        Assert.Equal(SessionState.Created, session.State);
        Assert.StartsWith("sess_", session.Id.Value, StringComparison.Ordinal);
        Assert.Equal(session.Id.Value, session.EntityId);
        Assert.Equal(EntityType.Session, session.EntityType);
        Assert.Equal("Fix the build", session.Title);
        Assert.Equal("Make CI green", session.Goal);
        Assert.Empty(session.Tasks);
        Assert.Empty(session.Artifacts);
        Assert.Equal(0, session.Version);
        Assert.True(session.IsNew);
        Assert.True(session.HasChanges);
    }

    [Fact]
    public void Create_appends_a_session_created_event_with_sequence_1()
    {
        var session = Session.Create("Fix the build");

        SessionEvent created = Assert.Single(Sessions.PendingEvents(session));
        Assert.Equal(SessionEventTypes.Created, created.Type);
        Assert.Equal("session.created", created.Type);
        Assert.Equal(1, created.Sequence);
        Assert.Equal(1, session.LastEventSequence);
        Assert.Equal(session.Id, created.SessionId);
        using JsonDocument payload = JsonDocument.Parse(created.PayloadJson);
        Assert.Equal("Fix the build", payload.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public void The_created_events_payload_holds_the_title_as_written()
    {
        // The default encoder wrote every character outside ASCII as an escape (\u00FC, \uD83D\uDE80).
        var session = Session.Create("Fix the \"ü\" build 🚀");

        Assert.Equal("{\"title\":\"Fix the \\\"ü\\\" build 🚀\"}", Assert.Single(Sessions.PendingEvents(session)).PayloadJson);
    }

    [Fact]
    public void Create_gives_each_session_a_different_id()
    {
        Assert.NotEqual(Session.Create("a").Id, Session.Create("a").Id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_rejects_a_missing_title(string? title)
    {
        Assert.ThrowsAny<ArgumentException>(() => Session.Create(title!));
    }

    [Fact]
    public void Create_replaces_lone_surrogates_in_title_and_goal()
    {
        var session = Session.Create("bad \uD800 title", "bad \uDC00 goal");

        Assert.Equal("bad \uFFFD title", session.Title);
        Assert.Equal("bad \uFFFD goal", session.Goal);
    }

    [Fact]
    public void Create_uses_the_system_clock_unless_given_one()
    {
        var clock = new ManualTimeProvider(Sessions.Epoch);

        Assert.Same(TimeProvider.System, Session.Create("a").Clock);
        Assert.Same(clock, Session.Create("a", clock: clock).Clock);
    }

    [Theory]
    [MemberData(nameof(SessionStateMachineTests.LegalTransitions), MemberType = typeof(SessionStateMachineTests))]
    public void TransitionTo_moves_the_session_along_every_legal_transition(SessionState from, SessionState to)
    {
        Session session = Sessions.InState(from);

        session.TransitionTo(to);

        Assert.Equal(to, session.State);
    }

    [Theory]
    [MemberData(nameof(SessionStateMachineTests.LegalTransitions), MemberType = typeof(SessionStateMachineTests))]
    public void TransitionTo_appends_a_state_changed_event_with_from_and_to(SessionState from, SessionState to)
    {
        Session session = Sessions.InState(from);
        long before = session.LastEventSequence;

        session.TransitionTo(to);

        SessionEvent evt = Sessions.PendingEvents(session)[^1];
        Assert.Equal(SessionEventTypes.StateChanged, evt.Type);
        Assert.Equal("session.state_changed", evt.Type);
        Assert.Equal(before + 1, evt.Sequence);
        Assert.Equal(evt.Sequence, session.LastEventSequence);
        using JsonDocument payload = JsonDocument.Parse(evt.PayloadJson);
        Assert.Equal(from.ToString(), payload.RootElement.GetProperty("from").GetString());
        Assert.Equal(to.ToString(), payload.RootElement.GetProperty("to").GetString());
        Assert.False(payload.RootElement.TryGetProperty("reason", out _));
    }

    [Fact]
    public void TransitionTo_records_the_reason_in_the_event_payload()
    {
        var session = Session.Create("a");

        session.TransitionTo(SessionState.Failed, "compiler crashed \"hard\"");

        SessionEvent evt = Sessions.PendingEvents(session)[^1];
        using JsonDocument payload = JsonDocument.Parse(evt.PayloadJson);
        Assert.Equal("compiler crashed \"hard\"", payload.RootElement.GetProperty("reason").GetString());
        Assert.Equal("Created", payload.RootElement.GetProperty("from").GetString());
        Assert.Equal("Failed", payload.RootElement.GetProperty("to").GetString());
    }

    [Fact]
    public void TransitionTo_numbers_events_one_after_another()
    {
        var session = Session.Create("a");

        session.TransitionTo(SessionState.Planning);
        session.TransitionTo(SessionState.AwaitingApproval);
        session.TransitionTo(SessionState.Executing);
        session.TransitionTo(SessionState.Completed);

        Assert.Equal([1L, 2, 3, 4, 5], Sessions.PendingEvents(session).Select(e => e.Sequence));
        Assert.Equal(5, session.LastEventSequence);
    }

    [Theory]
    [MemberData(nameof(SessionStateMachineTests.TransitionsFromTerminalStates), MemberType = typeof(SessionStateMachineTests))]
    public void TransitionTo_refuses_everything_from_a_terminal_state_and_changes_nothing(SessionState terminal, SessionState to)
    {
        Session session = Sessions.InState(terminal);
        int pending = session.PendingChanges.Count;
        long lastSequence = session.LastEventSequence;

        var ex = Assert.Throws<InvalidStateTransitionException>(() => session.TransitionTo(to));

        Assert.Equal(terminal, session.State);
        Assert.Equal(pending, session.PendingChanges.Count);
        Assert.Equal(lastSequence, session.LastEventSequence);
        Assert.Equal(session.Id, ex.SessionId);
        Assert.Equal(terminal, ex.From);
        Assert.Equal(to, ex.To);
        Assert.Contains("terminal", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SessionStateMachineTests.TransitionsFromTerminalStates), MemberType = typeof(SessionStateMachineTests))]
    public void TransitionTo_refuses_everything_from_a_saved_terminal_state_and_leaves_nothing_pending(SessionState terminal, SessionState to)
    {
        Session session = Sessions.InState(terminal);
        FakeStore.Save(session, new HybridClock());

        Assert.Throws<InvalidStateTransitionException>(() => session.TransitionTo(to));

        Assert.Equal(terminal, session.State);
        Assert.Empty(session.PendingChanges);
        Assert.False(session.HasChanges);
    }

    [Theory]
    [MemberData(nameof(SessionStateMachineTests.IllegalTransitionsFromLiveStates), MemberType = typeof(SessionStateMachineTests))]
    public void TransitionTo_refuses_an_unlisted_transition_and_changes_nothing(SessionState from, SessionState to)
    {
        Session session = Sessions.InState(from);
        long lastSequence = session.LastEventSequence;
        int pending = session.PendingChanges.Count;

        var ex = Assert.Throws<InvalidStateTransitionException>(() => session.TransitionTo(to));

        Assert.Equal(from, session.State);
        Assert.Equal(lastSequence, session.LastEventSequence);
        Assert.Equal(pending, session.PendingChanges.Count);
        Assert.Equal(from, ex.From);
        Assert.Equal(to, ex.To);
    }

    [Fact]
    public void Rename_changes_the_title_and_marks_the_session_changed()
    {
        var session = Session.Create("old");
        FakeStore.Save(session, new HybridClock());

        session.Rename("new \uD800");

        Assert.Equal("new \uFFFD", session.Title);
        Assert.Same(session, Assert.Single(session.PendingChanges));
    }

    [Fact]
    public void Rename_rejects_a_blank_title_and_keeps_the_old_one()
    {
        var session = Session.Create("old");

        Assert.Throws<ArgumentException>(() => session.Rename(" "));

        Assert.Equal("old", session.Title);
    }

    [Fact]
    public void AddTask_numbers_tasks_from_1_and_finds_them_by_id()
    {
        var session = Session.Create("a");

        SessionTask first = session.AddTask("plan", "think first");
        SessionTask second = session.AddTask("do");

        Assert.Equal([first, second], session.Tasks);
        Assert.Equal(1, first.Ordinal);
        Assert.Equal(2, second.Ordinal);
        Assert.Equal("think first", first.Description);
        Assert.Null(second.Description);
        Assert.Equal(session.Id, first.SessionId);
        Assert.Same(first, session.FindTask(first.Id));
        Assert.Same(second, session.FindTask(second.Id));
        Assert.Null(session.FindTask(TaskId.New()));
    }

    [Theory]
    [MemberData(nameof(SessionStateMachineTests.TerminalStates), MemberType = typeof(SessionStateMachineTests))]
    public void AddTask_throws_InvalidOperationException_when_the_session_is_terminal(SessionState terminal)
    {
        Session session = Sessions.InState(terminal);
        int pending = session.PendingChanges.Count;

        var ex = Assert.Throws<InvalidOperationException>(() => session.AddTask("too late"));

        Assert.Contains("terminal", ex.Message, StringComparison.Ordinal);
        Assert.Empty(session.Tasks);
        Assert.Equal(pending, session.PendingChanges.Count);
    }

    [Theory]
    [MemberData(nameof(SessionStateMachineTests.TerminalStates), MemberType = typeof(SessionStateMachineTests))]
    public void AddStep_throws_InvalidOperationException_when_the_session_is_terminal(SessionState terminal)
    {
        var session = Session.Create("a");
        session.TransitionTo(SessionState.Executing);
        SessionTask task = session.AddTask("t");
        session.TransitionTo(terminal);

        Assert.Throws<InvalidOperationException>(() => task.AddStep("too late"));

        Assert.Empty(task.Steps);
    }

    [Theory]
    [MemberData(nameof(SessionStateMachineTests.TerminalStates), MemberType = typeof(SessionStateMachineTests))]
    public void AddToolCall_throws_InvalidOperationException_when_the_session_is_terminal(SessionState terminal)
    {
        var session = Session.Create("a");
        session.TransitionTo(SessionState.Executing);
        Step step = session.AddTask("t").AddStep("s");
        session.TransitionTo(terminal);

        Assert.Throws<InvalidOperationException>(() => step.AddToolCall("bash", "{}"));

        Assert.Empty(step.ToolCalls);
    }

    [Fact]
    public void AppendEvent_numbers_events_after_the_last_one()
    {
        var session = Session.Create("a");

        SessionEvent evt = session.AppendEvent("tool_call.started", """{"tool":"bash"}""");

        Assert.Equal(2, evt.Sequence);
        Assert.Equal(2, session.LastEventSequence);
        Assert.Equal("tool_call.started", evt.Type);
        Assert.Equal("""{"tool":"bash"}""", evt.PayloadJson);
        Assert.Equal(session.Id, evt.SessionId);
        Assert.Equal(EntityType.SessionEvent, evt.EntityType);
        Assert.StartsWith("evt_", evt.EntityId, StringComparison.Ordinal);
    }

    [Fact]
    public void AppendEvent_defaults_to_an_empty_object_payload()
    {
        Assert.Equal("{}", Session.Create("a").AppendEvent("x.y").PayloadJson);
    }

    [Fact]
    public void AppendEvent_continues_from_the_restored_last_sequence()
    {
        var session = Session.Restore(SessionId.New(), "a", null, SessionState.Executing, 41, 3, Sessions.Epoch, Sessions.Epoch);

        Assert.Equal(42, session.AppendEvent("x.y").Sequence);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{'a':1}")]
    [InlineData("{} {}")]
    [InlineData("undefined")]
    public void AppendEvent_rejects_a_payload_that_is_not_one_json_value_and_uses_no_sequence(string payload)
    {
        var session = Session.Create("a");

        var ex = Assert.Throws<ArgumentException>(() => session.AppendEvent("x.y", payload));

        Assert.Equal("payloadJson", ex.ParamName);
        Assert.Equal(1, session.LastEventSequence);
        Assert.Equal(2, session.PendingChanges.Count);
        Assert.Equal(2, session.AppendEvent("x.y").Sequence);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void AppendEvent_rejects_a_blank_type(string type)
    {
        Assert.Throws<ArgumentException>(() => Session.Create("a").AppendEvent(type));
    }

    [Fact]
    public void AppendEvent_is_allowed_on_a_terminal_session()
    {
        Session session = Sessions.InState(SessionState.Completed);

        SessionEvent evt = session.AppendEvent("session.summary");

        Assert.Equal(session.LastEventSequence, evt.Sequence);
    }

    [Fact]
    public void Restore_rebuilds_the_session_as_saved()
    {
        SessionId id = SessionId.New();
        DateTimeOffset created = Sessions.Epoch;
        DateTimeOffset updated = Sessions.Epoch.AddTicks(12345);

        var session = Session.Restore(id, "t", "g", SessionState.Paused, 7, 4, created, updated);

        Assert.Equal(id, session.Id);
        Assert.Equal("t", session.Title);
        Assert.Equal("g", session.Goal);
        Assert.Equal(SessionState.Paused, session.State);
        Assert.Equal(7, session.LastEventSequence);
        Assert.Equal(4, session.Version);
        Assert.Equal(created, session.CreatedAt);
        Assert.Equal(updated, session.UpdatedAt);
    }
}

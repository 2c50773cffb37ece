using Acode.Domain.Entities;
using Acode.Domain.Tests.Support;
using Acode.Domain.Time;

namespace Acode.Domain.Tests.Entities;

/// <summary>Versions, stamps and change tracking, which every run entity shares.</summary>
public class EntityTests
{
    private readonly ManualTimeProvider _time = new(Sessions.Epoch);
    private readonly HybridClock _clock;

    public EntityTests() => _clock = new HybridClock(_time);

    [Fact]
    public void Create_pends_the_session_then_its_created_event()
    {
        var session = Session.Create("a");

        Assert.Collection(
            session.PendingChanges,
            first => Assert.Same(session, first),
            second =>
            {
                SessionEvent evt = Assert.IsType<SessionEvent>(second);
                Assert.Equal(SessionEventTypes.Created, evt.Type);
                Assert.Equal(1, evt.Sequence);
            });
    }

    [Fact]
    public void New_entities_are_at_version_0_with_no_stamps()
    {
        var session = Session.Create("a");
        SessionEvent evt = Sessions.PendingEvents(session)[0];

        foreach (Entity entity in new Entity[] { session, evt })
        {
            Assert.Equal(0, entity.Version);
            Assert.True(entity.IsNew);
            Assert.True(entity.HasChanges);
            Assert.Equal(default, entity.CreatedAt);
            Assert.Equal(default, entity.UpdatedAt);
        }
    }

    [Fact]
    public void AcceptChanges_with_version_1_stamps_clears_pending_and_sets_both_timestamps()
    {
        var session = Session.Create("a");
        SessionEvent evt = Sessions.PendingEvents(session)[0];
        DateTimeOffset sessionStamp = Sessions.Epoch.AddTicks(1);
        DateTimeOffset eventStamp = Sessions.Epoch.AddTicks(2);

        session.AcceptChanges([new EntityStamp(session, 1, sessionStamp), new EntityStamp(evt, 1, eventStamp)]);

        Assert.Empty(session.PendingChanges);
        Assert.Equal(1, session.Version);
        Assert.Equal(sessionStamp, session.CreatedAt);
        Assert.Equal(sessionStamp, session.UpdatedAt);
        Assert.False(session.IsNew);
        Assert.False(session.HasChanges);
        Assert.Equal(1, evt.Version);
        Assert.Equal(eventStamp, evt.CreatedAt);
        Assert.Equal(eventStamp, evt.UpdatedAt);
        Assert.False(evt.HasChanges);
    }

    [Fact]
    public void AcceptChanges_moves_an_event_to_the_sequence_its_stamp_gives_and_the_session_follows()
    {
        var session = Session.Create("a");
        SessionEvent evt = Sessions.PendingEvents(session)[0];
        DateTimeOffset stamp = Sessions.Epoch.AddTicks(1);

        session.AcceptChanges([new EntityStamp(session, 1, stamp), new EntityStamp(evt, 1, stamp) { EventSequence = 3 }]);

        Assert.Equal(3, evt.Sequence);
        Assert.Equal(3, session.LastEventSequence);
        Assert.Equal(4, session.AppendEvent("next").Sequence);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(0L)]
    public void AcceptChanges_refuses_an_event_sequence_that_is_not_later_or_on_another_entity_and_applies_nothing(long sequence)
    {
        var session = Session.Create("a");
        SessionEvent evt = Sessions.PendingEvents(session)[0];
        DateTimeOffset stamp = Sessions.Epoch.AddTicks(1);

        Assert.Throws<InvalidOperationException>(() => session.AcceptChanges([new EntityStamp(session, 1, stamp), new EntityStamp(evt, 1, stamp) { EventSequence = sequence }]));
        Assert.Throws<InvalidOperationException>(() => session.AcceptChanges([new EntityStamp(session, 1, stamp) { EventSequence = 5 }, new EntityStamp(evt, 1, stamp)]));

        Assert.Equal((1L, 0L, 2), (evt.Sequence, session.Version, session.PendingChanges.Count));
    }

    [Fact]
    public void AcceptChanges_on_a_later_change_bumps_the_version_and_keeps_CreatedAt()
    {
        var session = Session.Create("a");
        FakeStore.Save(session, _clock);
        DateTimeOffset created = session.CreatedAt;
        _time.Advance(TimeSpan.FromSeconds(5));

        session.TransitionTo(SessionState.Planning);
        DateTimeOffset stamp = _clock.Next(session.UpdatedAt);
        SessionEvent evt = Sessions.PendingEvents(session).Single();
        session.AcceptChanges([new EntityStamp(session, 2, stamp), new EntityStamp(evt, 1, stamp)]);

        Assert.Equal(2, session.Version);
        Assert.Equal(created, session.CreatedAt);
        Assert.Equal(stamp, session.UpdatedAt);
        Assert.True(session.UpdatedAt > session.CreatedAt);
        Assert.Empty(session.PendingChanges);
    }

    [Fact]
    public void PendingChanges_holds_a_changed_child_once_even_when_it_changes_twice()
    {
        var session = Session.Create("a");
        ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("bash", "{}");
        FakeStore.Save(session, _clock);

        call.Start();
        call.Succeed("ok");

        Assert.Same(call, Assert.Single(session.PendingChanges));
        Assert.True(call.HasChanges);
        Assert.False(session.HasChanges);
    }

    [Fact]
    public void PendingChanges_lists_new_children_after_their_parents_in_the_order_they_changed()
    {
        var session = Session.Create("a");
        SessionTask task = session.AddTask("t");
        Step step = task.AddStep("s");
        ToolCall call = step.AddToolCall("bash", "{}");
        Artifact artifact = session.AddArtifact("out.txt", ArtifactKind.File, "text/plain", new byte[] { 1 });
        SessionEvent custom = session.AppendEvent("custom.event");

        Assert.Equal(
            new Entity[] { session, Sessions.PendingEvents(session)[0], task, step, call, artifact, custom },
            session.PendingChanges);
    }

    [Fact]
    public void PendingChanges_is_empty_after_a_save_until_something_changes()
    {
        var session = Session.Create("a");
        SessionTask task = session.AddTask("t");
        FakeStore.Save(session, _clock);

        Assert.Empty(session.PendingChanges);

        task.Start();

        Assert.Same(task, Assert.Single(session.PendingChanges));
    }

    [Fact]
    public void AcceptChanges_stamps_every_kind_of_entity_at_version_1()
    {
        var session = Session.Create("a");
        Step step = session.AddTask("t").AddStep("s");
        step.AddToolCall("bash", "{}");
        session.AddArtifactReference("big.log", ArtifactKind.Log, "text/plain", 10, new string('a', 64));

        List<Entity> saved = FakeStore.Save(session, _clock);

        Assert.Equal(6, saved.Count);
        Assert.All(saved, e =>
        {
            Assert.Equal(1, e.Version);
            Assert.False(e.HasChanges);
            Assert.Equal(e.CreatedAt, e.UpdatedAt);
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(-1)]
    public void AcceptChanges_throws_for_a_new_entity_stamped_with_a_version_other_than_1(long version)
    {
        var session = Session.Create("a");

        var ex = Assert.Throws<InvalidOperationException>(
            () => session.AcceptChanges([new EntityStamp(session, version, Sessions.Epoch)]));

        Assert.Contains($"version {version}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, session.Version);
        Assert.Equal(default, session.UpdatedAt);
        Assert.True(session.HasChanges);
    }

    [Fact]
    public void AcceptChanges_throws_when_a_saved_entity_is_stamped_with_its_current_version_again()
    {
        var session = Session.Create("a");
        FakeStore.Save(session, _clock);
        DateTimeOffset updated = session.UpdatedAt;
        session.Rename("b");

        Assert.Throws<InvalidOperationException>(
            () => session.AcceptChanges([new EntityStamp(session, 1, updated.AddTicks(1))]));

        Assert.Equal(1, session.Version);
        Assert.Equal(updated, session.UpdatedAt);
        Assert.True(session.HasChanges);
    }

    [Fact]
    public void AcceptChanges_throws_for_a_stamp_of_an_entity_of_another_session()
    {
        var session = Session.Create("a");
        var other = Session.Create("b");

        var ex = Assert.Throws<ArgumentException>(
            () => session.AcceptChanges([new EntityStamp(other, 1, Sessions.Epoch)]));

        Assert.Equal("stamps", ex.ParamName);
        Assert.Equal(0, other.Version);
    }

    [Fact]
    public void AcceptChanges_throws_for_null()
    {
        Assert.Throws<ArgumentNullException>(() => Session.Create("a").AcceptChanges(null!));
    }

    [Fact]
    public void Restored_entities_have_no_pending_changes()
    {
        var session = Session.Restore(SessionId.New(), "a", null, SessionState.Executing, 3, 2, Sessions.Epoch, Sessions.Epoch.AddTicks(5));
        SessionTask task = SessionTask.Restore(session, TaskId.New(), 1, "t", null, WorkState.Running, Sessions.Epoch, null, 1, Sessions.Epoch, Sessions.Epoch);
        Step step = Step.Restore(session, StepId.New(), task.Id, 1, "s", null, WorkState.Pending, null, null, 1, Sessions.Epoch, Sessions.Epoch);
        ToolCall call = ToolCall.Restore(session, ToolCallId.New(), step.Id, "bash", "{}", ToolCallStatus.Running, null, null, Sessions.Epoch, null, null, 1, Sessions.Epoch, Sessions.Epoch);
        Artifact artifact = Artifact.Restore(session, ArtifactId.New(), "a.txt", ArtifactKind.File, "text/plain", 1, Artifact.HashOf([7]), [7], step.Id, call.Id, 1, Sessions.Epoch, Sessions.Epoch);
        SessionEvent evt = SessionEvent.Restore(session, EventId.New(), 3, "x.y", "{}", 1, Sessions.Epoch, Sessions.Epoch);

        Assert.Empty(session.PendingChanges);
        Assert.All(new Entity[] { session, task, step, call, artifact, evt }, e =>
        {
            Assert.False(e.HasChanges);
            Assert.False(e.IsNew);
        });
        Assert.Same(task, session.FindTask(task.Id));
        Assert.Same(step, session.FindStep(step.Id));
        Assert.Same(call, session.FindToolCall(call.Id));
        Assert.Same(artifact, session.FindArtifact(artifact.Id));
        Assert.Equal([task], session.Tasks);
        Assert.Equal([step], task.Steps);
        Assert.Equal([call], step.ToolCalls);
        Assert.Equal([artifact], session.Artifacts);
    }

    [Fact]
    public void A_restored_entity_that_changes_is_pending_and_takes_the_next_version()
    {
        var session = Session.Restore(SessionId.New(), "a", null, SessionState.Executing, 3, 2, Sessions.Epoch, Sessions.Epoch.AddTicks(5));
        SessionTask task = SessionTask.Restore(session, TaskId.New(), 1, "t", null, WorkState.Running, Sessions.Epoch, null, 4, Sessions.Epoch, Sessions.Epoch.AddTicks(9));

        task.Complete();

        Assert.Same(task, Assert.Single(session.PendingChanges));
        Assert.Throws<InvalidOperationException>(() => session.AcceptChanges([new EntityStamp(task, 1, Sessions.Epoch.AddTicks(10))]));
        session.AcceptChanges([new EntityStamp(task, 5, Sessions.Epoch.AddTicks(10))]);
        Assert.Equal(5, task.Version);
        Assert.Equal(Sessions.Epoch, task.CreatedAt);
        Assert.Equal(Sessions.Epoch.AddTicks(10), task.UpdatedAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Restore_rejects_a_version_below_1(long version)
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => Session.Restore(SessionId.New(), "a", null, SessionState.Created, 0, version, Sessions.Epoch, Sessions.Epoch));
    }

    [Fact]
    public void Restore_keeps_the_instant_in_UTC()
    {
        var local = new DateTimeOffset(2026, 1, 15, 12, 30, 0, TimeSpan.FromHours(2));

        var session = Session.Restore(SessionId.New(), "a", null, SessionState.Created, 0, 1, local, local);

        Assert.Equal(TimeSpan.Zero, session.CreatedAt.Offset);
        Assert.Equal(local.UtcTicks, session.CreatedAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, session.UpdatedAt.Offset);
    }
}

using Acode.Domain.Entities;
using Acode.Domain.Tests.Support;

namespace Acode.Domain.Tests.Entities;

public class SessionTaskTests
{
    [Fact]
    public void AddStep_numbers_steps_from_1_within_each_task()
    {
        var session = Session.Create("a");
        SessionTask first = session.AddTask("one");
        SessionTask second = session.AddTask("two");

        Step a = first.AddStep("a");
        Step b = first.AddStep("b");
        Step c = second.AddStep("c");

        Assert.Equal([a, b], first.Steps);
        Assert.Equal([c], second.Steps);
        Assert.Equal([1, 2, 1], new[] { a.Ordinal, b.Ordinal, c.Ordinal });
        Assert.Equal(first.Id, a.TaskId);
        Assert.Equal(second.Id, c.TaskId);
        Assert.Equal(session.Id, c.SessionId);
        Assert.Same(b, session.FindStep(b.Id));
    }

    [Fact]
    public void A_task_has_a_task_id_and_entity_type()
    {
        SessionTask task = Session.Create("a").AddTask("t");

        Assert.StartsWith("task_", task.Id.Value, StringComparison.Ordinal);
        Assert.Equal(task.Id.Value, task.EntityId);
        Assert.Equal(EntityType.SessionTask, task.EntityType);
    }

    [Fact]
    public void Restore_rebuilds_the_task_as_saved_and_attaches_it_to_the_session()
    {
        var session = Session.Restore(SessionId.New(), "a", null, SessionState.Executing, 0, 1, Sessions.Epoch, Sessions.Epoch);
        TaskId id = TaskId.New();
        DateTimeOffset started = Sessions.Epoch.AddSeconds(1);
        DateTimeOffset completed = Sessions.Epoch.AddSeconds(3);

        SessionTask task = SessionTask.Restore(session, id, 4, "t", "d", WorkState.Completed, started, completed, 6, Sessions.Epoch, completed);

        Assert.Equal(id, task.Id);
        Assert.Equal(4, task.Ordinal);
        Assert.Equal("t", task.Title);
        Assert.Equal("d", task.Description);
        Assert.Equal(WorkState.Completed, task.State);
        Assert.Equal(started, task.StartedAt);
        Assert.Equal(completed, task.CompletedAt);
        Assert.Equal(TimeSpan.FromSeconds(2), task.Duration);
        Assert.Equal(6, task.Version);
        Assert.Same(task, session.FindTask(id));
        Assert.Equal([task], session.Tasks);
    }

    [Fact]
    public void Restore_rejects_a_null_session()
    {
        Assert.Throws<ArgumentNullException>(
            () => SessionTask.Restore(null!, TaskId.New(), 1, "t", null, WorkState.Pending, null, null, 1, Sessions.Epoch, Sessions.Epoch));
    }

    [Fact]
    public void Restore_rejects_a_task_id_already_in_the_session()
    {
        var session = Session.Restore(SessionId.New(), "a", null, SessionState.Executing, 0, 1, Sessions.Epoch, Sessions.Epoch);
        TaskId id = TaskId.New();
        SessionTask.Restore(session, id, 1, "t", null, WorkState.Pending, null, null, 1, Sessions.Epoch, Sessions.Epoch);

        Assert.Throws<ArgumentException>(
            () => SessionTask.Restore(session, id, 2, "t", null, WorkState.Pending, null, null, 1, Sessions.Epoch, Sessions.Epoch));
    }
}

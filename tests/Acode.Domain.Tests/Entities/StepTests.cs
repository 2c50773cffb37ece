using Acode.Domain.Entities;
using Acode.Domain.Tests.Support;

namespace Acode.Domain.Tests.Entities;

public class StepTests
{
    [Fact]
    public void AddToolCall_records_a_pending_call_under_the_step()
    {
        var session = Session.Create("a");
        Step step = session.AddTask("t").AddStep("s");

        ToolCall first = step.AddToolCall("bash", """{"cmd":"ls"}""");
        ToolCall second = step.AddToolCall("read", "[]");

        Assert.Equal([first, second], step.ToolCalls);
        Assert.Equal(step.Id, first.StepId);
        Assert.Equal(session.Id, first.SessionId);
        Assert.Same(second, session.FindToolCall(second.Id));
    }

    [Fact]
    public void A_step_has_a_step_id_and_entity_type()
    {
        Step step = Session.Create("a").AddTask("t").AddStep("s");

        Assert.StartsWith("step_", step.Id.Value, StringComparison.Ordinal);
        Assert.Equal(step.Id.Value, step.EntityId);
        Assert.Equal(EntityType.Step, step.EntityType);
    }

    [Fact]
    public void Restore_attaches_the_step_to_its_restored_task()
    {
        var session = Session.Restore(SessionId.New(), "a", null, SessionState.Executing, 0, 1, Sessions.Epoch, Sessions.Epoch);
        SessionTask task = SessionTask.Restore(session, TaskId.New(), 1, "t", null, WorkState.Running, Sessions.Epoch, null, 1, Sessions.Epoch, Sessions.Epoch);
        StepId id = StepId.New();

        Step step = Step.Restore(session, id, task.Id, 3, "s", "d", WorkState.Skipped, null, Sessions.Epoch, 2, Sessions.Epoch, Sessions.Epoch.AddTicks(1));

        Assert.Equal([step], task.Steps);
        Assert.Same(step, session.FindStep(id));
        Assert.Equal(task.Id, step.TaskId);
        Assert.Equal(3, step.Ordinal);
        Assert.Equal(WorkState.Skipped, step.State);
        Assert.Null(step.StartedAt);
        Assert.Equal(Sessions.Epoch, step.CompletedAt);
        Assert.Equal(2, step.Version);
        Assert.Equal(Sessions.Epoch.AddTicks(1), step.UpdatedAt);
    }

    [Fact]
    public void Restore_throws_when_the_task_is_not_part_of_the_session()
    {
        var session = Session.Restore(SessionId.New(), "a", null, SessionState.Executing, 0, 1, Sessions.Epoch, Sessions.Epoch);
        TaskId missing = TaskId.New();

        var ex = Assert.Throws<InvalidOperationException>(
            () => Step.Restore(session, StepId.New(), missing, 1, "s", null, WorkState.Pending, null, null, 1, Sessions.Epoch, Sessions.Epoch));

        Assert.Contains(missing.Value, ex.Message, StringComparison.Ordinal);
        Assert.Empty(session.Tasks);
    }
}

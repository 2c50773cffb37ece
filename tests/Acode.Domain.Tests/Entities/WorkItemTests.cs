using Acode.Domain.Entities;
using Acode.Domain.Tests.Support;
using Acode.Domain.Time;

namespace Acode.Domain.Tests.Entities;

/// <summary>Tasks and steps share their state rules; every test runs for both.</summary>
public class WorkItemTests
{
    private readonly ManualTimeProvider _time = new(Sessions.Epoch);

    public static TheoryData<string> Kinds => new() { "task", "step" };

    public static TheoryData<string, string, string> IllegalMoves
    {
        get
        {
            // kind, how the item got where it is, the move that must be refused
            string[][] rows =
            [
                ["Start", "Start"],
                ["Start", "Skip"],
                ["Complete", "Start"],
                ["Complete", "Complete"],
                ["Complete", "Fail"],
                ["Complete", "Skip"],
                ["Complete", "Cancel"],
                ["Fail", "Start"],
                ["Fail", "Complete"],
                ["Fail", "Fail"],
                ["Skip", "Start"],
                ["Skip", "Complete"],
                ["Skip", "Skip"],
                ["Skip", "Cancel"],
                ["Cancel", "Start"],
                ["Cancel", "Complete"],
                ["Cancel", "Cancel"],
            ];
            var data = new TheoryData<string, string, string>();
            foreach (string kind in Kinds)
            {
                foreach (string[] row in rows)
                {
                    data.Add(kind, row[0], row[1]);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void New_item_is_pending_with_no_times(string kind)
    {
        WorkItem item = NewItem(kind, out _);

        Assert.Equal(WorkState.Pending, item.State);
        Assert.Null(item.StartedAt);
        Assert.Null(item.CompletedAt);
        Assert.Null(item.Duration);
        Assert.Equal(1, item.Ordinal);
        Assert.Equal("title", item.Title);
        Assert.Equal("description", item.Description);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Start_runs_the_item_and_records_the_start_time(string kind)
    {
        WorkItem item = NewItem(kind, out _);

        item.Start();

        Assert.Equal(WorkState.Running, item.State);
        Assert.Equal(Sessions.Epoch, item.StartedAt);
        Assert.Null(item.CompletedAt);
        Assert.Null(item.Duration);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Complete_after_Start_records_the_finish_time_and_duration(string kind)
    {
        WorkItem item = NewItem(kind, out _);
        item.Start();
        _time.Advance(TimeSpan.FromMilliseconds(1500));

        item.Complete();

        Assert.Equal(WorkState.Completed, item.State);
        Assert.Equal(Sessions.Epoch, item.StartedAt);
        Assert.Equal(Sessions.Epoch.AddMilliseconds(1500), item.CompletedAt);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), item.Duration);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_clock_stepped_back_after_the_start_never_finishes_the_item_before_it_started(string kind)
    {
        WorkItem item = NewItem(kind, out _);
        item.Start();
        _time.Advance(TimeSpan.FromSeconds(-30)); // NTP stepped the wall clock back

        item.Complete();

        Assert.Equal(Sessions.Epoch, item.StartedAt);
        Assert.Equal(Sessions.Epoch, item.CompletedAt);
        Assert.Equal(TimeSpan.Zero, item.Duration);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Complete_from_Pending_starts_and_finishes_at_the_same_time(string kind)
    {
        WorkItem item = NewItem(kind, out _);

        item.Complete();

        Assert.Equal(WorkState.Completed, item.State);
        Assert.Equal(Sessions.Epoch, item.StartedAt);
        Assert.Equal(Sessions.Epoch, item.CompletedAt);
        Assert.Equal(TimeSpan.Zero, item.Duration);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Fail_after_Start_records_the_finish_time(string kind)
    {
        WorkItem item = NewItem(kind, out _);
        item.Start();
        _time.Advance(TimeSpan.FromSeconds(2));

        item.Fail();

        Assert.Equal(WorkState.Failed, item.State);
        Assert.Equal(Sessions.Epoch, item.StartedAt);
        Assert.Equal(TimeSpan.FromSeconds(2), item.Duration);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Fail_from_Pending_is_allowed(string kind)
    {
        WorkItem item = NewItem(kind, out _);

        item.Fail();

        Assert.Equal(WorkState.Failed, item.State);
        Assert.NotNull(item.CompletedAt);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Skip_from_Pending_finishes_without_a_start_time(string kind)
    {
        WorkItem item = NewItem(kind, out _);

        item.Skip();

        Assert.Equal(WorkState.Skipped, item.State);
        Assert.Null(item.StartedAt);
        Assert.Equal(Sessions.Epoch, item.CompletedAt);
        Assert.Null(item.Duration);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Cancel_from_Running_keeps_the_start_time(string kind)
    {
        WorkItem item = NewItem(kind, out _);
        item.Start();
        _time.Advance(TimeSpan.FromSeconds(1));

        item.Cancel();

        Assert.Equal(WorkState.Cancelled, item.State);
        Assert.Equal(Sessions.Epoch, item.StartedAt);
        Assert.Equal(Sessions.Epoch.AddSeconds(1), item.CompletedAt);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Cancel_from_Pending_is_allowed(string kind)
    {
        WorkItem item = NewItem(kind, out _);

        item.Cancel();

        Assert.Equal(WorkState.Cancelled, item.State);
    }

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void A_move_the_state_does_not_allow_throws_and_changes_nothing(string kind, string setup, string move)
    {
        WorkItem item = NewItem(kind, out Session session);
        Do(item, setup);
        FakeStore.Save(session, new HybridClock(_time));
        WorkState state = item.State;
        DateTimeOffset? started = item.StartedAt;
        DateTimeOffset? completed = item.CompletedAt;
        _time.Advance(TimeSpan.FromMinutes(1));

        var ex = Assert.Throws<InvalidOperationException>(() => Do(item, move));

        Assert.Contains($"is {state}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(state, item.State);
        Assert.Equal(started, item.StartedAt);
        Assert.Equal(completed, item.CompletedAt);
        Assert.Empty(session.PendingChanges);
        Assert.False(item.HasChanges);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_move_marks_the_item_changed(string kind)
    {
        WorkItem item = NewItem(kind, out Session session);
        FakeStore.Save(session, new HybridClock(_time));

        item.Start();

        Assert.Same(item, Assert.Single(session.PendingChanges));
        Assert.True(item.HasChanges);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Title_and_description_have_lone_surrogates_replaced(string kind)
    {
        var session = Session.Create("a", clock: _time);
        WorkItem item = kind == "task"
            ? session.AddTask("t\uD800", "d\uDFFF")
            : session.AddTask("t").AddStep("t\uD800", "d\uDFFF");

        Assert.Equal("t\uFFFD", item.Title);
        Assert.Equal("d\uFFFD", item.Description);
    }

    [Theory]
    [InlineData("task", "")]
    [InlineData("task", " ")]
    [InlineData("step", "")]
    [InlineData("step", "\t")]
    public void Creating_an_item_with_a_blank_title_throws(string kind, string title)
    {
        var session = Session.Create("a");
        SessionTask task = session.AddTask("t");

        Assert.Throws<ArgumentException>(() => kind == "task" ? (WorkItem)session.AddTask(title) : task.AddStep(title));
    }

    private WorkItem NewItem(string kind, out Session session)
    {
        session = Session.Create("a", clock: _time);
        SessionTask task = session.AddTask("title", "description");
        return kind == "task" ? task : task.AddStep("title", "description");
    }

    private static void Do(WorkItem item, string move)
    {
        switch (move)
        {
            case "Start":
                item.Start();
                break;
            case "Complete":
                item.Complete();
                break;
            case "Fail":
                item.Fail();
                break;
            case "Skip":
                item.Skip();
                break;
            case "Cancel":
                item.Cancel();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(move), move, null);
        }
    }
}

using Acode.Domain.Entities;
using Acode.Domain.Tests.Support;
using Acode.Domain.Text;
using Acode.Domain.Time;

namespace Acode.Domain.Tests.Entities;

public class ToolCallTests
{
    private readonly ManualTimeProvider _time = new(Sessions.Epoch);
    private readonly Session _session;
    private readonly Step _step;

    public ToolCallTests()
    {
        _session = Session.Create("a", clock: _time);
        _step = _session.AddTask("t").AddStep("s");
    }

    [Fact]
    public void AddToolCall_keeps_name_and_arguments_verbatim_and_starts_Pending()
    {
        const string Arguments = """{ "cmd" : "ls -la",  "env": {"A": [1, 2.5e3, null, true]} }""";

        ToolCall call = _step.AddToolCall("bash", Arguments);

        Assert.Equal("bash", call.ToolName);
        Assert.Equal(Arguments, call.ArgumentsJson);
        Assert.Equal(ToolCallStatus.Pending, call.Status);
        Assert.Null(call.Result);
        Assert.Null(call.Error);
        Assert.Null(call.StartedAt);
        Assert.Null(call.CompletedAt);
        Assert.Null(call.Duration);
        Assert.StartsWith("tc_", call.EntityId, StringComparison.Ordinal);
        Assert.Equal(EntityType.ToolCall, call.EntityType);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("{")]
    [InlineData("{\"a\":}")]
    [InlineData("{'a':1}")]
    [InlineData("{} {}")]
    [InlineData("[1,]")]
    [InlineData("// comment\n{}")]
    [InlineData("NaN")]
    [InlineData("ls -la")]
    public void AddToolCall_throws_ArgumentException_when_arguments_are_not_one_json_value(string arguments)
    {
        var ex = Assert.Throws<ArgumentException>(() => _step.AddToolCall("bash", arguments));

        Assert.Equal("argumentsJson", ex.ParamName);
        Assert.Empty(_step.ToolCalls);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("  {\"a\": \"\\u0000\"}  ")]
    public void AddToolCall_accepts_any_single_json_value(string arguments)
    {
        Assert.Equal(arguments, _step.AddToolCall("bash", arguments).ArgumentsJson);
    }

    [Fact]
    public void AddToolCall_accepts_arguments_nested_64_deep()
    {
        string json = new string('[', JsonText.MaxDepth) + new string(']', JsonText.MaxDepth);

        Assert.Equal(json, _step.AddToolCall("bash", json).ArgumentsJson);
    }

    [Fact]
    public void AddToolCall_rejects_arguments_nested_deeper_than_64()
    {
        string json = new string('[', JsonText.MaxDepth + 1) + new string(']', JsonText.MaxDepth + 1);

        var ex = Assert.Throws<ArgumentException>(() => _step.AddToolCall("bash", json));

        Assert.Equal("argumentsJson", ex.ParamName);
    }

    [Fact]
    public void AddToolCall_rejects_null_arguments()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => _step.AddToolCall("bash", null!));

        Assert.Equal("argumentsJson", ex.ParamName);
        Assert.Empty(_step.ToolCalls);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void AddToolCall_rejects_a_blank_tool_name(string name)
    {
        Assert.Throws<ArgumentException>(() => _step.AddToolCall(name, "{}"));
    }

    [Fact]
    public void Start_runs_the_call_at_the_session_clock_time()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");

        call.Start();

        Assert.Equal(ToolCallStatus.Running, call.Status);
        Assert.Equal(Sessions.Epoch, call.StartedAt);
        Assert.Null(call.CompletedAt);
        Assert.Null(call.Duration);
    }

    [Fact]
    public void A_clock_stepped_back_after_Start_gives_no_negative_duration_and_no_finish_before_the_start()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");
        call.Start();
        _time.Advance(TimeSpan.FromSeconds(-30)); // NTP stepped the wall clock back

        call.Succeed("done");

        Assert.Equal(Sessions.Epoch, call.StartedAt);
        Assert.Equal(Sessions.Epoch, call.CompletedAt);
        Assert.Equal(TimeSpan.Zero, call.Duration); // an export of it imports again: a negative durationTicks is refused
    }

    [Fact]
    public void Succeed_after_Start_measures_the_duration_when_none_is_given()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");
        call.Start();
        _time.Advance(TimeSpan.FromTicks(12_345_678));

        call.Succeed("done");

        Assert.Equal(ToolCallStatus.Succeeded, call.Status);
        Assert.Equal("done", call.Result);
        Assert.Null(call.Error);
        Assert.Equal(Sessions.Epoch, call.StartedAt);
        Assert.Equal(Sessions.Epoch.AddTicks(12_345_678), call.CompletedAt);
        Assert.Equal(TimeSpan.FromTicks(12_345_678), call.Duration);
    }

    [Fact]
    public void Succeed_after_Start_takes_the_given_duration()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");
        call.Start();
        _time.Advance(TimeSpan.FromSeconds(10));

        call.Succeed("done", TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(3), call.Duration);
        Assert.Equal(Sessions.Epoch, call.StartedAt);
        Assert.Equal(Sessions.Epoch.AddSeconds(10), call.CompletedAt);
    }

    [Fact]
    public void Succeed_without_Start_dates_the_start_back_by_the_given_duration()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");

        call.Succeed("done", TimeSpan.FromMilliseconds(250));

        Assert.Equal(Sessions.Epoch.AddMilliseconds(-250), call.StartedAt);
        Assert.Equal(Sessions.Epoch, call.CompletedAt);
        Assert.Equal(TimeSpan.FromMilliseconds(250), call.Duration);
    }

    [Fact]
    public void A_duration_reaching_back_before_1970_for_a_call_never_started_is_out_of_range_and_changes_nothing()
    {
        // Trial AL 8: TimeSpan.MaxValue threw from DateTimeOffset's arithmetic ("Parameter 't'").
        ToolCall call = _step.AddToolCall("bash", "{}");

        ArgumentOutOfRangeException refused = Assert.Throws<ArgumentOutOfRangeException>(() => call.Succeed("done", TimeSpan.MaxValue));

        Assert.Equal("duration", refused.ParamName);
        Assert.Equal(ToolCallStatus.Pending, call.Status);
        Assert.Null(call.StartedAt);
        call.Succeed("done", TimeSpan.FromSeconds(1));
        Assert.Equal(ToolCallStatus.Succeeded, call.Status);
    }

    [Fact]
    public void Succeed_without_Start_or_duration_takes_zero_time()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");

        call.Succeed("done");

        Assert.Equal(Sessions.Epoch, call.StartedAt);
        Assert.Equal(Sessions.Epoch, call.CompletedAt);
        Assert.Equal(TimeSpan.Zero, call.Duration);
    }

    [Fact]
    public void Succeed_accepts_a_zero_duration()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");

        call.Succeed("done", TimeSpan.Zero);

        Assert.Equal(TimeSpan.Zero, call.Duration);
    }

    [Fact]
    public void Succeed_rejects_a_negative_duration_and_changes_nothing()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");
        call.Start();
        FakeStore.Save(_session, new HybridClock(_time));

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => call.Succeed("done", TimeSpan.FromTicks(-1)));

        Assert.Equal("duration", ex.ParamName);
        Assert.Equal(ToolCallStatus.Running, call.Status);
        Assert.Null(call.Result);
        Assert.Null(call.CompletedAt);
        Assert.Empty(_session.PendingChanges);
    }

    [Fact]
    public void Fail_rejects_a_negative_duration_and_changes_nothing()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");

        Assert.Throws<ArgumentOutOfRangeException>(() => call.Fail("boom", TimeSpan.FromSeconds(-1)));

        Assert.Equal(ToolCallStatus.Pending, call.Status);
        Assert.Null(call.Error);
        Assert.Null(call.StartedAt);
    }

    [Fact]
    public void Fail_records_the_error_partial_result_and_measured_duration()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");
        call.Start();
        _time.Advance(TimeSpan.FromSeconds(4));

        call.Fail("exit code 2", partialResult: "half the output");

        Assert.Equal(ToolCallStatus.Failed, call.Status);
        Assert.Equal("exit code 2", call.Error);
        Assert.Equal("half the output", call.Result);
        Assert.Equal(TimeSpan.FromSeconds(4), call.Duration);
    }

    [Fact]
    public void Fail_takes_the_given_duration()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");

        call.Fail("timeout", TimeSpan.FromMinutes(2));

        Assert.Equal(TimeSpan.FromMinutes(2), call.Duration);
        Assert.Null(call.Result);
    }

    [Fact]
    public void Cancel_finishes_a_running_call()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");
        call.Start();
        _time.Advance(TimeSpan.FromSeconds(1));

        call.Cancel();

        Assert.Equal(ToolCallStatus.Cancelled, call.Status);
        Assert.Equal(TimeSpan.FromSeconds(1), call.Duration);
    }

    [Theory]
    [InlineData("Start", "Start")]
    [InlineData("Succeed", "Start")]
    [InlineData("Succeed", "Succeed")]
    [InlineData("Succeed", "Fail")]
    [InlineData("Succeed", "Cancel")]
    [InlineData("Fail", "Succeed")]
    [InlineData("Fail", "Start")]
    [InlineData("Cancel", "Succeed")]
    [InlineData("Cancel", "Start")]
    public void A_finished_or_started_call_refuses_a_move_its_status_does_not_allow(string setup, string move)
    {
        ToolCall call = _step.AddToolCall("bash", "{}");
        Do(call, setup);
        ToolCallStatus status = call.Status;
        string? result = call.Result;
        DateTimeOffset? completed = call.CompletedAt;
        _time.Advance(TimeSpan.FromSeconds(1));

        var ex = Assert.Throws<InvalidOperationException>(() => Do(call, move));

        Assert.Contains($"is {status}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(status, call.Status);
        Assert.Equal(result, call.Result);
        Assert.Equal(completed, call.CompletedAt);
    }

    [Fact]
    public void Succeed_rejects_a_null_result()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");

        Assert.Throws<ArgumentNullException>(() => call.Succeed(null!));

        Assert.Equal(ToolCallStatus.Pending, call.Status);
    }

    [Fact]
    public void Succeed_keeps_NUL_characters_and_replaces_lone_surrogates_in_the_result()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");

        call.Succeed("a\0b\uD800c\U0001F600");

        Assert.Equal("a\0b\uFFFDc\U0001F600", call.Result);
    }

    [Fact]
    public void Succeed_keeps_a_megabyte_result_intact()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");
        string big = string.Concat(Enumerable.Range(0, 100_000).Select(i => $"line {i,6}\0\n"))[..(1024 * 1024)];

        call.Succeed(big);

        Assert.Equal(1024 * 1024, call.Result!.Length);
        Assert.Equal(big, call.Result);
    }

    [Fact]
    public void Fail_replaces_lone_surrogates_in_the_error()
    {
        ToolCall call = _step.AddToolCall("bash", "{}");

        call.Fail("bad \uDC00");

        Assert.Equal("bad \uFFFD", call.Error);
    }

    [Fact]
    public void Restore_rebuilds_the_call_as_saved()
    {
        var session = Session.Restore(SessionId.New(), "a", null, SessionState.Executing, 0, 1, Sessions.Epoch, Sessions.Epoch);
        SessionTask task = SessionTask.Restore(session, TaskId.New(), 1, "t", null, WorkState.Running, Sessions.Epoch, null, 1, Sessions.Epoch, Sessions.Epoch);
        Step step = Step.Restore(session, StepId.New(), task.Id, 1, "s", null, WorkState.Running, Sessions.Epoch, null, 1, Sessions.Epoch, Sessions.Epoch);
        ToolCallId id = ToolCallId.New();

        ToolCall call = ToolCall.Restore(
            session, id, step.Id, "bash", "[1]", ToolCallStatus.Failed, "partial", "boom",
            Sessions.Epoch, Sessions.Epoch.AddSeconds(1), TimeSpan.FromTicks(7), 3, Sessions.Epoch, Sessions.Epoch.AddSeconds(1));

        Assert.Equal(id, call.Id);
        Assert.Equal(step.Id, call.StepId);
        Assert.Equal("bash", call.ToolName);
        Assert.Equal("[1]", call.ArgumentsJson);
        Assert.Equal(ToolCallStatus.Failed, call.Status);
        Assert.Equal("partial", call.Result);
        Assert.Equal("boom", call.Error);
        Assert.Equal(TimeSpan.FromTicks(7), call.Duration);
        Assert.Equal(3, call.Version);
        Assert.Equal([call], step.ToolCalls);
    }

    [Fact]
    public void Restore_throws_when_the_step_is_not_part_of_the_session()
    {
        var session = Session.Restore(SessionId.New(), "a", null, SessionState.Executing, 0, 1, Sessions.Epoch, Sessions.Epoch);

        Assert.Throws<InvalidOperationException>(() => ToolCall.Restore(
            session, ToolCallId.New(), StepId.New(), "bash", "{}", ToolCallStatus.Pending, null, null, null, null, null, 1, Sessions.Epoch, Sessions.Epoch));
    }

    private static void Do(ToolCall call, string move)
    {
        switch (move)
        {
            case "Start":
                call.Start();
                break;
            case "Succeed":
                call.Succeed("ok");
                break;
            case "Fail":
                call.Fail("boom");
                break;
            case "Cancel":
                call.Cancel();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(move), move, null);
        }
    }
}

using Acode.Application.Serialization;
using Acode.Domain.Entities;
using Acode.Domain.Tests.Support;
using Acode.Domain.Time;

namespace Acode.Application.Tests.Serialization;

public class EntityDocumentsTests
{
    private readonly ManualTimeProvider _time = new(Sessions.Epoch);
    private readonly HybridClock _clock;

    public EntityDocumentsTests() => _clock = new HybridClock(_time);

    [Fact]
    public void From_a_new_entity_uses_the_change_stamp_as_created_and_updated()
    {
        var session = Session.Create("a", clock: _time);
        DateTimeOffset stamp = Sessions.Epoch.AddTicks(1_234_567);

        EntityDocument document = EntityDocuments.From(session, 1, stamp);

        Assert.Equal(1, document.Version);
        Assert.Equal("2026-01-15T10:30:00.1234567Z", document.CreatedAt);
        Assert.Equal("2026-01-15T10:30:00.1234567Z", document.UpdatedAt);
        Assert.Equal(EntityDocument.CurrentSchema, document.Schema);
        Assert.Equal(session.Id.Value, document.Id);
    }

    [Fact]
    public void From_a_saved_entity_keeps_its_created_stamp()
    {
        var session = Session.Create("a", clock: _time);
        FakeStore.Save(session, _clock);
        DateTimeOffset later = Sessions.Epoch.AddMinutes(1);

        EntityDocument document = EntityDocuments.From(session, 2, later);

        Assert.Equal(UtcTimestamp.Format(session.CreatedAt), document.CreatedAt);
        Assert.Equal(UtcTimestamp.Format(later), document.UpdatedAt);
        Assert.Equal(2, document.Version);
    }

    [Fact]
    public void From_before_the_save_writes_the_same_json_as_From_after_it()
    {
        var session = Session.Create("a", clock: _time);
        session.AddTask("t").AddStep("s").AddToolCall("bash", "{}");
        List<EntityStamp> stamps = FakeStore.StampsFor(session, _clock);

        List<string> before = [.. stamps.Select(s => EntityJson.Serialize(EntityDocuments.From(s.Entity, s.Version, s.UpdatedAt)))];
        session.AcceptChanges(stamps);
        List<string> after = [.. stamps.Select(s => EntityJson.Serialize(EntityDocuments.From(s.Entity)))];

        Assert.Equal(before, after);
    }

    [Fact]
    public void From_throws_for_an_entity_that_was_never_saved()
    {
        var session = Session.Create("a");

        var ex = Assert.Throws<ArgumentException>(() => EntityDocuments.From(session));

        Assert.Contains("never saved", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_throws_for_null()
    {
        Assert.Throws<ArgumentNullException>(() => EntityDocuments.From(null!));
        Assert.Throws<ArgumentNullException>(() => EntityDocuments.From(null!, 1, Sessions.Epoch));
    }

    [Fact]
    public void From_maps_a_session()
    {
        var session = Session.Create("title", "goal", _time);
        session.TransitionTo(SessionState.Planning);
        FakeStore.Save(session, _clock);

        var document = Assert.IsType<SessionDocument>(EntityDocuments.From(session));

        Assert.Equal("title", document.Title);
        Assert.Equal("goal", document.Goal);
        Assert.Equal("Planning", document.State);
    }

    [Fact]
    public void From_maps_a_task_and_a_step()
    {
        var session = Session.Create("a", clock: _time);
        SessionTask task = session.AddTask("plan", "think");
        Step step = task.AddStep("read");
        task.Start();
        _time.Advance(TimeSpan.FromTicks(3));
        step.Skip();
        FakeStore.Save(session, _clock);

        var taskDocument = Assert.IsType<SessionTaskDocument>(EntityDocuments.From(task));
        var stepDocument = Assert.IsType<StepDocument>(EntityDocuments.From(step));

        Assert.Equal(session.Id.Value, taskDocument.SessionId);
        Assert.Equal(1, taskDocument.Ordinal);
        Assert.Equal("plan", taskDocument.Title);
        Assert.Equal("think", taskDocument.Description);
        Assert.Equal("Running", taskDocument.State);
        Assert.Equal("2026-01-15T10:30:00.0000000Z", taskDocument.StartedAt);
        Assert.Null(taskDocument.CompletedAt);
        Assert.Equal(task.Id.Value, stepDocument.TaskId);
        Assert.Equal("Skipped", stepDocument.State);
        Assert.Null(stepDocument.StartedAt);
        Assert.Equal("2026-01-15T10:30:00.0000003Z", stepDocument.CompletedAt);
        Assert.Null(stepDocument.Description);
    }

    [Fact]
    public void From_maps_a_tool_call()
    {
        var session = Session.Create("a", clock: _time);
        Step step = session.AddTask("t").AddStep("s");
        ToolCall call = step.AddToolCall("bash", "{ \"cmd\": \"ls\" }");
        call.Fail("exit 1", TimeSpan.FromTicks(15_000_001), "partial\0");
        FakeStore.Save(session, _clock);

        var document = Assert.IsType<ToolCallDocument>(EntityDocuments.From(call));

        Assert.Equal(step.Id.Value, document.StepId);
        Assert.Equal(session.Id.Value, document.SessionId);
        Assert.Equal("bash", document.ToolName);
        Assert.Equal("{ \"cmd\": \"ls\" }", document.Arguments);
        Assert.Equal("Failed", document.Status);
        Assert.Equal("exit 1", document.Error);
        Assert.Equal("partial\0", document.Result);
        Assert.Equal(15_000_001, document.DurationTicks);
        Assert.Equal(UtcTimestamp.Format(call.StartedAt), document.StartedAt);
        Assert.Equal(UtcTimestamp.Format(call.CompletedAt), document.CompletedAt);
    }

    [Fact]
    public void From_maps_a_pending_tool_call_without_times()
    {
        var session = Session.Create("a", clock: _time);
        ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("bash", "{}");
        FakeStore.Save(session, _clock);

        var document = Assert.IsType<ToolCallDocument>(EntityDocuments.From(call));

        Assert.Equal("Pending", document.Status);
        Assert.Null(document.StartedAt);
        Assert.Null(document.CompletedAt);
        Assert.Null(document.DurationTicks);
        Assert.Null(document.Result);
    }

    [Fact]
    public void From_maps_artifacts_with_and_without_content()
    {
        var session = Session.Create("a", clock: _time);
        Step step = session.AddTask("t").AddStep("s");
        Artifact stored = session.AddArtifact("../x", ArtifactKind.Diff, "text/x-diff", "hello"u8.ToArray(), step.Id);
        Artifact reference = session.AddArtifactReference("y", ArtifactKind.Log, "text/plain", 42, new string('A', 64));
        FakeStore.Save(session, _clock);

        var storedDocument = Assert.IsType<ArtifactDocument>(EntityDocuments.From(stored));
        var referenceDocument = Assert.IsType<ArtifactDocument>(EntityDocuments.From(reference));

        Assert.Equal("../x", storedDocument.Name);
        Assert.Equal("Diff", storedDocument.Kind);
        Assert.Equal("text/x-diff", storedDocument.MediaType);
        Assert.Equal(5, storedDocument.Size);
        Assert.Equal(stored.ContentHash, storedDocument.ContentHash);
        Assert.Equal("hello"u8.ToArray(), storedDocument.Content);
        Assert.Equal(step.Id.Value, storedDocument.StepId);
        Assert.Null(storedDocument.ToolCallId);
        Assert.Null(referenceDocument.Content);
        Assert.Equal(42, referenceDocument.Size);
        Assert.Equal(new string('a', 64), referenceDocument.ContentHash);
        Assert.Equal("Log", referenceDocument.Kind);
    }

    [Fact]
    public void From_maps_an_event()
    {
        var session = Session.Create("a", clock: _time);
        SessionEvent evt = session.AppendEvent("custom.x", "[1, 2]");
        FakeStore.Save(session, _clock);

        var document = Assert.IsType<SessionEventDocument>(EntityDocuments.From(evt));

        Assert.Equal(2, document.Sequence);
        Assert.Equal("custom.x", document.Type);
        Assert.Equal("[1, 2]", document.Payload);
        Assert.Equal(session.Id.Value, document.SessionId);
        Assert.Equal(1, document.Version);
    }
}

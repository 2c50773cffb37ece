using System.Text;
using Acode.Application.Serialization;
using Acode.Domain.Entities;
using Acode.Domain.Tests.Support;
using Acode.Domain.Time;

namespace Acode.Application.Tests.Serialization;

public class SessionGraphBuilderTests
{
    private readonly ManualTimeProvider _time = new(Sessions.Epoch);
    private readonly HybridClock _clock;

    public SessionGraphBuilderTests() => _clock = new HybridClock(_time);

    [Fact]
    public void Add_rebuilds_a_serialized_session_graph_field_for_field()
    {
        (Session original, List<SessionEvent> events) = BuildSavedSession();

        (Session rebuilt, IReadOnlyList<SessionEvent> rebuiltEvents) = RoundTrip(original, events);

        AssertSameSession(original, rebuilt);
        Assert.Equal(events.Count, rebuiltEvents.Count);
        for (int i = 0; i < events.Count; i++)
        {
            AssertSameEvent(events[i], rebuiltEvents[i]);
        }
    }

    [Fact]
    public void Add_rebuilds_a_session_with_nothing_pending()
    {
        (Session original, List<SessionEvent> events) = BuildSavedSession();

        (Session rebuilt, IReadOnlyList<SessionEvent> rebuiltEvents) = RoundTrip(original, events);

        Assert.Empty(rebuilt.PendingChanges);
        Assert.All(AllEntities(rebuilt), e => Assert.False(e.HasChanges));
        Assert.All(rebuiltEvents, e => Assert.False(e.HasChanges));
    }

    [Fact]
    public void A_rebuilt_session_continues_with_the_next_version_of_each_entity()
    {
        (Session original, List<SessionEvent> events) = BuildSavedSession();
        (Session rebuilt, _) = RoundTrip(original, events);
        ToolCall pending = rebuilt.Tasks[1].Steps[0].ToolCalls[1];
        long version = pending.Version;

        pending.Start();
        List<Entity> saved = FakeStore.Save(rebuilt, _clock);

        Assert.Same(pending, Assert.Single(saved));
        Assert.Equal(version + 1, pending.Version);
    }

    [Fact]
    public void A_rebuilt_session_continues_the_event_sequence()
    {
        (Session original, List<SessionEvent> events) = BuildSavedSession();

        (Session rebuilt, _) = RoundTrip(original, events);

        Assert.Equal(original.LastEventSequence, rebuilt.LastEventSequence);
        Assert.Equal(original.LastEventSequence + 1, rebuilt.AppendEvent("after.import").Sequence);
    }

    [Fact]
    public void Two_events_at_one_sequence_number_are_both_kept_for_the_store_to_place()
    {
        (Session original, List<SessionEvent> events) = BuildSavedSession();
        List<EntityDocument> documents = Documents(original, events);
        var last = (SessionEventDocument)documents[^1];
        documents[^1] = last.AtSequence(((SessionEventDocument)documents[^2]).Sequence);
        var builder = new SessionGraphBuilder();

        documents.ForEach(builder.Add);

        Assert.Equal(events.Select(e => e.Id), builder.Events.Select(e => e.Id));
        Assert.Equal(builder.Events[^2].Sequence, builder.Events[^1].Sequence);
    }

    [Fact]
    public void Add_gives_the_rebuilt_session_the_builder_clock()
    {
        (Session original, List<SessionEvent> events) = BuildSavedSession();
        var later = new ManualTimeProvider(Sessions.Epoch.AddDays(1));
        var builder = new SessionGraphBuilder(later);

        foreach (EntityDocument document in Documents(original, events))
        {
            builder.Add(document);
        }

        Assert.Same(later, builder.Session!.Clock);
        builder.Session.Tasks[1].Steps[0].ToolCalls[1].Start();
        Assert.Equal(later.UtcNow, builder.Session.Tasks[1].Steps[0].ToolCalls[1].StartedAt);
    }

    [Fact]
    public void Session_is_null_before_the_session_document_is_added()
    {
        var builder = new SessionGraphBuilder();

        Assert.Null(builder.Session);
        Assert.Empty(builder.Events);
    }

    [Fact]
    public void Add_throws_FormatException_when_a_child_comes_before_its_session()
    {
        (Session original, List<SessionEvent> events) = BuildSavedSession();
        EntityDocument task = EntityDocuments.From(original.Tasks[0]);

        var ex = Assert.Throws<FormatException>(() => new SessionGraphBuilder().Add(task));

        Assert.StartsWith($"SessionTask {original.Tasks[0].Id}:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("session document must come before", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_throws_FormatException_for_a_second_session()
    {
        var builder = new SessionGraphBuilder();
        builder.Add(SavedDocument(Session.Create("one", clock: _time)));

        var ex = Assert.Throws<FormatException>(() => builder.Add(SavedDocument(Session.Create("two", clock: _time))));

        Assert.Contains("second session", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-3L)]
    public void An_export_line_count_that_is_not_positive_is_refused_and_a_positive_one_is_kept(long lines)
    {
        var saved = (SessionDocument)SavedDocument(Session.Create("one", clock: _time));
        SessionDocument Counting(long n) => new()
        {
            Id = saved.Id, Version = saved.Version, CreatedAt = saved.CreatedAt, UpdatedAt = saved.UpdatedAt,
            Title = saved.Title, Goal = saved.Goal, State = saved.State, ExportLines = n,
        };

        var ex = Assert.Throws<FormatException>(() => new SessionGraphBuilder().Add(EntityJson.Deserialize(EntityJson.Serialize(Counting(lines)))));
        var kept = new SessionGraphBuilder();
        kept.Add(EntityJson.Deserialize(EntityJson.Serialize(Counting(7))));

        Assert.Equal($"Session {saved.Id}: exportLines {lines} is not positive: it counts the session's lines in the export, its own included.", ex.Message);
        Assert.Equal(7, kept.ExportLines);
        Assert.Equal(1, kept.Documents);
        Assert.DoesNotContain("exportLines", EntityJson.Serialize(saved), StringComparison.Ordinal);
    }

    [Fact]
    public void Add_throws_FormatException_for_a_child_of_another_session()
    {
        var builder = new SessionGraphBuilder();
        builder.Add(SavedDocument(Session.Create("one", clock: _time)));
        var other = Session.Create("two", clock: _time);
        SessionTask foreign = other.AddTask("t");
        FakeStore.Save(other, _clock);

        var ex = Assert.Throws<FormatException>(() => builder.Add(EntityDocuments.From(foreign)));

        Assert.Contains($"belongs to session {other.Id}", ex.Message, StringComparison.Ordinal);
        Assert.Empty(builder.Session!.Tasks);
    }

    [Fact]
    public void Add_throws_FormatException_for_a_step_whose_task_is_missing()
    {
        var session = Session.Create("one", clock: _time);
        Step step = session.AddTask("t").AddStep("s");
        FakeStore.Save(session, _clock);
        var builder = new SessionGraphBuilder();
        builder.Add(EntityDocuments.From(session));

        var ex = Assert.Throws<FormatException>(() => builder.Add(EntityDocuments.From(step)));

        Assert.StartsWith($"Step {step.Id}:", ex.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
    }

    [Fact]
    public void Add_throws_FormatException_for_a_tool_call_whose_step_is_missing()
    {
        var session = Session.Create("one", clock: _time);
        SessionTask task = session.AddTask("t");
        ToolCall call = task.AddStep("s").AddToolCall("bash", "{}");
        FakeStore.Save(session, _clock);
        var builder = new SessionGraphBuilder();
        builder.Add(EntityDocuments.From(session));
        builder.Add(EntityDocuments.From(task));

        Assert.Throws<FormatException>(() => builder.Add(EntityDocuments.From(call)));
    }

    [Fact]
    public void Add_throws_FormatException_for_the_same_task_twice()
    {
        var session = Session.Create("one", clock: _time);
        SessionTask task = session.AddTask("t");
        FakeStore.Save(session, _clock);
        var builder = new SessionGraphBuilder();
        builder.Add(EntityDocuments.From(session));
        builder.Add(EntityDocuments.From(task));

        Assert.Throws<FormatException>(() => builder.Add(EntityDocuments.From(task)));
    }

    [Fact]
    public void Add_throws_FormatException_for_an_unknown_state()
    {
        var document = new SessionDocument
        {
            Id = SessionId.New().Value,
            Version = 1,
            CreatedAt = "2026-01-15T10:30:00.0000000Z",
            UpdatedAt = "2026-01-15T10:30:00.0000000Z",
            Title = "t",
            State = "Sleeping",
        };

        Assert.Throws<FormatException>(() => new SessionGraphBuilder().Add(document));
    }

    [Fact]
    public void Add_throws_FormatException_for_a_malformed_id()
    {
        var document = new SessionDocument
        {
            Id = "task_01JD3Z6Q6V2K8M4N5P7R9S1T3V",
            Version = 1,
            CreatedAt = "2026-01-15T10:30:00.0000000Z",
            UpdatedAt = "2026-01-15T10:30:00.0000000Z",
            Title = "t",
            State = "Created",
        };

        Assert.Throws<FormatException>(() => new SessionGraphBuilder().Add(document));
    }

    [Fact]
    public void Add_throws_FormatException_for_a_malformed_timestamp()
    {
        var document = new SessionDocument
        {
            Id = SessionId.New().Value,
            Version = 1,
            CreatedAt = "2026-01-15T10:30:00Z",
            UpdatedAt = "2026-01-15T10:30:00.0000000Z",
            Title = "t",
            State = "Created",
        };

        Assert.Throws<FormatException>(() => new SessionGraphBuilder().Add(document));
    }

    [Fact]
    public void Add_throws_FormatException_for_version_0()
    {
        var document = new SessionDocument
        {
            Id = SessionId.New().Value,
            Version = 0,
            CreatedAt = "2026-01-15T10:30:00.0000000Z",
            UpdatedAt = "2026-01-15T10:30:00.0000000Z",
            Title = "t",
            State = "Created",
        };

        Assert.Throws<FormatException>(() => new SessionGraphBuilder().Add(document));
    }

    [Fact]
    public void Add_throws_ArgumentNullException_for_null()
    {
        Assert.Throws<ArgumentNullException>(() => new SessionGraphBuilder().Add(null!));
    }

    /// <summary>
    /// A session with two tasks, steps, tool calls in every status (one result with NUL characters and an emoji,
    /// one of a megabyte), artifacts with and without content, and custom events, saved three times.
    /// </summary>
    private (Session Session, List<SessionEvent> Events) BuildSavedSession()
    {
        var events = new List<SessionEvent>();
        void Save(Session s) => events.AddRange(FakeStore.Save(s, _clock).OfType<SessionEvent>());

        var session = Session.Create("Fix the build\0now", "Make CI green \U0001F7E2", _time);
        session.TransitionTo(SessionState.Planning, "starting");
        SessionTask plan = session.AddTask("plan", "read the code first");
        SessionTask build = session.AddTask("build");
        Step read = plan.AddStep("read files");
        Step compile = build.AddStep("compile", "dotnet build");
        ToolCall readFile = read.AddToolCall("read_file", """{"path":"src/a.cs","range":[1,200]}""");
        ToolCall dotnetBuild = compile.AddToolCall("bash", """{"cmd":"dotnet build","env":{"CI":"1"}}""");
        compile.AddToolCall("bash", "[]");
        Save(session);

        _time.Advance(TimeSpan.FromTicks(10_000_001));
        session.TransitionTo(SessionState.Executing);
        plan.Start();
        read.Start();
        readFile.Start();
        _time.Advance(TimeSpan.FromTicks(1_500_003));
        readFile.Succeed("line 1\0line 2\0\0\U0001F600 \uD800 end");
        read.Complete();
        plan.Complete();
        build.Start();
        compile.Start();
        dotnetBuild.Start();
        _time.Advance(TimeSpan.FromSeconds(30));
        dotnetBuild.Fail("exit code 1", TimeSpan.FromTicks(299_999_999), MegabyteOfLog());
        session.AddArtifact("../../etc/passwd", ArtifactKind.File, "text/plain", Encoding.UTF8.GetBytes("root:x:0:0\0"), read.Id, readFile.Id);
        session.AddArtifact("empty.diff", ArtifactKind.Diff, "text/x-diff", ReadOnlyMemory<byte>.Empty, compile.Id);
        session.AddArtifactReference("huge.log", ArtifactKind.Log, "text/plain", 5_000_000_000, new string('c', 64), toolCallId: dotnetBuild.Id);
        session.AppendEvent("tool_call.finished", """{"tool":"bash","output":"\u0000 nul","n":1.5}""");
        Save(session);

        _time.Advance(TimeSpan.FromTicks(1));
        session.Rename("Fix the build (renamed)");
        compile.Fail();
        build.Fail();
        session.TransitionTo(SessionState.Failed, "build broken");
        Save(session);

        return (session, events);
    }

    private static string MegabyteOfLog()
    {
        var builder = new StringBuilder(1024 * 1024);
        for (int i = 0; builder.Length < 1024 * 1024; i++)
        {
            builder.Append("warning CS").Append(i).Append(": something\0\r\n");
        }

        return builder.ToString(0, 1024 * 1024);
    }

    private static List<EntityDocument> Documents(Session session, IEnumerable<SessionEvent> events)
    {
        List<EntityDocument> documents = [EntityDocuments.From(session)];
        documents.AddRange(session.Tasks.Select(EntityDocuments.From));
        documents.AddRange(session.Tasks.SelectMany(t => t.Steps).Select(EntityDocuments.From));
        documents.AddRange(session.Tasks.SelectMany(t => t.Steps).SelectMany(s => s.ToolCalls).Select(EntityDocuments.From));
        documents.AddRange(session.Artifacts.Select(EntityDocuments.From));
        documents.AddRange(events.Select(EntityDocuments.From));
        return documents;
    }

    private static (Session Session, IReadOnlyList<SessionEvent> Events) RoundTrip(Session session, IEnumerable<SessionEvent> events)
    {
        var builder = new SessionGraphBuilder(session.Clock);
        foreach (EntityDocument document in Documents(session, events))
        {
            string json = EntityJson.Serialize(document);
            builder.Add(EntityJson.Deserialize(json));
        }

        return (builder.Session!, builder.Events);
    }

    private EntityDocument SavedDocument(Session session)
    {
        FakeStore.Save(session, _clock);
        return EntityDocuments.From(session);
    }

    private static List<Entity> AllEntities(Session session)
    {
        List<Entity> all = [session];
        all.AddRange(session.Tasks);
        all.AddRange(session.Tasks.SelectMany(t => t.Steps));
        all.AddRange(session.Tasks.SelectMany(t => t.Steps).SelectMany(s => s.ToolCalls));
        all.AddRange(session.Artifacts);
        return all;
    }

    private static void AssertSameStamps(Entity expected, Entity actual)
    {
        Assert.Equal(expected.EntityType, actual.EntityType);
        Assert.Equal(expected.EntityId, actual.EntityId);
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.CreatedAt.UtcTicks, actual.CreatedAt.UtcTicks);
        Assert.Equal(expected.UpdatedAt.UtcTicks, actual.UpdatedAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, actual.CreatedAt.Offset);
        Assert.Equal(TimeSpan.Zero, actual.UpdatedAt.Offset);
    }

    private static void AssertSameSession(Session expected, Session actual)
    {
        AssertSameStamps(expected, actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Title, actual.Title);
        Assert.Equal(expected.Goal, actual.Goal);
        Assert.Equal(expected.State, actual.State);
        Assert.Equal(expected.LastEventSequence, actual.LastEventSequence);
        Assert.True(expected.Version > 1, "the fixture should exercise versions above 1");

        Assert.Equal(expected.Tasks.Count, actual.Tasks.Count);
        for (int t = 0; t < expected.Tasks.Count; t++)
        {
            SessionTask et = expected.Tasks[t];
            SessionTask at = actual.Tasks[t];
            AssertSameWork(et, at);
            Assert.Equal(et.Id, at.Id);
            Assert.Same(at, actual.FindTask(et.Id));

            Assert.Equal(et.Steps.Count, at.Steps.Count);
            for (int s = 0; s < et.Steps.Count; s++)
            {
                Step es = et.Steps[s];
                Step @as = at.Steps[s];
                AssertSameWork(es, @as);
                Assert.Equal(es.Id, @as.Id);
                Assert.Equal(es.TaskId, @as.TaskId);
                Assert.Same(@as, actual.FindStep(es.Id));

                Assert.Equal(es.ToolCalls.Count, @as.ToolCalls.Count);
                for (int c = 0; c < es.ToolCalls.Count; c++)
                {
                    AssertSameToolCall(es.ToolCalls[c], @as.ToolCalls[c]);
                    Assert.Same(@as.ToolCalls[c], actual.FindToolCall(es.ToolCalls[c].Id));
                }
            }
        }

        Assert.Equal(expected.Artifacts.Count, actual.Artifacts.Count);
        for (int a = 0; a < expected.Artifacts.Count; a++)
        {
            AssertSameArtifact(expected.Artifacts[a], actual.Artifacts[a]);
            Assert.Same(actual.Artifacts[a], actual.FindArtifact(expected.Artifacts[a].Id));
        }
    }

    private static void AssertSameWork(WorkItem expected, WorkItem actual)
    {
        AssertSameStamps(expected, actual);
        Assert.Equal(expected.SessionId, actual.SessionId);
        Assert.Equal(expected.Ordinal, actual.Ordinal);
        Assert.Equal(expected.Title, actual.Title);
        Assert.Equal(expected.Description, actual.Description);
        Assert.Equal(expected.State, actual.State);
        Assert.Equal(expected.StartedAt?.UtcTicks, actual.StartedAt?.UtcTicks);
        Assert.Equal(expected.CompletedAt?.UtcTicks, actual.CompletedAt?.UtcTicks);
        Assert.Equal(expected.Duration, actual.Duration);
    }

    private static void AssertSameToolCall(ToolCall expected, ToolCall actual)
    {
        AssertSameStamps(expected, actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.SessionId, actual.SessionId);
        Assert.Equal(expected.StepId, actual.StepId);
        Assert.Equal(expected.ToolName, actual.ToolName);
        Assert.Equal(expected.ArgumentsJson, actual.ArgumentsJson);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Result, actual.Result);
        Assert.Equal(expected.Error, actual.Error);
        Assert.Equal(expected.StartedAt?.UtcTicks, actual.StartedAt?.UtcTicks);
        Assert.Equal(expected.CompletedAt?.UtcTicks, actual.CompletedAt?.UtcTicks);
        Assert.Equal(expected.Duration?.Ticks, actual.Duration?.Ticks);
    }

    private static void AssertSameArtifact(Artifact expected, Artifact actual)
    {
        AssertSameStamps(expected, actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.SessionId, actual.SessionId);
        Assert.Equal(expected.StepId, actual.StepId);
        Assert.Equal(expected.ToolCallId, actual.ToolCallId);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.MediaType, actual.MediaType);
        Assert.Equal(expected.Size, actual.Size);
        Assert.Equal(expected.ContentHash, actual.ContentHash);
        Assert.Equal(expected.HasContent, actual.HasContent);
        Assert.Equal(expected.Content?.ToArray(), actual.Content?.ToArray());
    }

    private static void AssertSameEvent(SessionEvent expected, SessionEvent actual)
    {
        AssertSameStamps(expected, actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.SessionId, actual.SessionId);
        Assert.Equal(expected.Sequence, actual.Sequence);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.PayloadJson, actual.PayloadJson);
    }
}

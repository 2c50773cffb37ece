using Acode.Application.Errors;
using Acode.Application.Queries;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>Writes of the store: create, save (atomic, optimistic, only what changed) and delete, checked through the store.</summary>
public abstract partial class RunStateStoreContractTests
{
    public static TheoryData<string> Additions => new() { "task", "step", "tool call", "artifact", "event" };

    [Fact]
    public async Task CreateSessionAsync_commits_the_session_and_its_created_event()
    {
        Session session = await Store.CreateSessionAsync("Fix the login bug", "users can log in again");

        Session loaded = (await (await OpenOtherStoreAsync()).GetSessionAsync(session.Id))!;
        Assert.Equal(("Fix the login bug", "users can log in again", SessionState.Created, 1L), (loaded.Title, loaded.Goal, loaded.State, loaded.Version));
        Assert.Equal(session.CreatedAt, loaded.CreatedAt);
        Assert.Equal(session.UpdatedAt, loaded.UpdatedAt);
        Assert.Equal("session.created", Assert.Single(await Store.ReadEventsAsync(loaded)).Type);
        Assert.Empty(session.PendingChanges);
        Assert.Equal(1, session.Version);
    }

    [Fact]
    [Trait("AC", "AC-005")]
    public async Task SaveAsync_based_on_a_stale_version_throws_and_writes_nothing_of_that_save()
    {
        Session original = TestSessions.Rich();
        await Store.SaveAsync(original);
        Session stale = (await Store.GetSessionAsync(original.Id))!;
        Session other = (await Store.GetSessionAsync(original.Id))!;
        other.Rename("renamed by another writer");
        await Store.SaveAsync(other);
        string before = await SnapshotAsync();

        SessionTask newTask = stale.AddTask("added in the failing save");
        newTask.AddStep("also new").AddToolCall("echo", "{}");
        stale.AppendEvent("note", "{}");
        stale.Rename("stale rename");

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(stale));

        Assert.Equal(original.Id.Value, conflict.EntityId);
        Assert.Equal(before, await SnapshotAsync());
        Session stored = (await Store.GetSessionAsync(original.Id))!;
        Assert.Equal("renamed by another writer", stored.Title);
        Assert.Null(stored.FindTask(newTask.Id));
        Assert.Equal(other.LastEventSequence, stored.LastEventSequence);
    }

    [Fact]
    [Trait("AC", "AC-005")]
    public async Task SaveAsync_after_a_failed_save_commits_normally()
    {
        Session original = await Store.CreateSessionAsync("first");
        Session stale = (await Store.GetSessionAsync(original.Id))!;
        original.Rename("second");
        await Store.SaveAsync(original);
        stale.AddTask("lost");
        stale.Rename("stale");
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(stale));

        Session fresh = (await Store.GetSessionAsync(original.Id))!;
        SessionTask task = fresh.AddTask("kept");
        await Store.SaveAsync(fresh);

        Assert.Equal([task.Id], (await Store.GetSessionAsync(original.Id))!.Tasks.Select(t => t.Id));
    }

    [Fact]
    [Trait("AC", "AC-005")]
    public async Task SaveAllAsync_commits_every_session_or_none()
    {
        Session existing = await Store.CreateSessionAsync("existing");
        Session stale = (await Store.GetSessionAsync(existing.Id))!;
        existing.Rename("moved on");
        await Store.SaveAsync(existing);
        Session brandNew = TestSessions.Rich("brand new");
        stale.Rename("stale");
        string before = await SnapshotAsync();

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAllAsync([brandNew, stale]));

        Assert.Equal(before, await SnapshotAsync());
        Assert.Null(await Store.GetSessionAsync(brandNew.Id));
        Assert.Equal(1, await CountSessionsAsync());
        Assert.True(brandNew.IsNew);
    }

    [Fact]
    public async Task SaveAsync_without_pending_changes_writes_nothing()
    {
        Session session = await Store.CreateSessionAsync("idle");
        string before = await SnapshotAsync();

        await Store.SaveAsync(session);
        await Store.SaveAsync((await Store.GetSessionAsync(session.Id))!);

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task SaveAsync_writes_only_the_one_tool_call_added_to_a_session_with_a_thousand()
    {
        Session session = Session.Create("big");
        Step step = session.AddTask("work").AddStep("loop");
        for (int i = 0; i < 1000; i++)
        {
            step.AddToolCall("grep", $$"""{"n":{{i}}}""").Succeed("ok");
        }

        await Store.SaveAsync(session);
        Session before = (await Store.GetSessionAsync(session.Id))!;

        ToolCall added = step.AddToolCall("grep", """{"n":"one more"}""");
        Assert.Single(session.PendingChanges);
        await Store.SaveAsync(session);

        Session after = (await Store.GetSessionAsync(session.Id))!;
        List<string> beforeDocs = TestSessions.Documents(before);
        List<string> changed = TestSessions.Documents(after).Where(d => !beforeDocs.Contains(d)).ToList();
        Assert.Contains(added.Id.Value, Assert.Single(changed), StringComparison.Ordinal);
        Assert.Equal(beforeDocs.Count + 1, TestSessions.Documents(after).Count);
    }

    [Fact]
    public async Task SaveAsync_of_a_changed_entity_bumps_its_version_and_keeps_created_at()
    {
        Session session = TestSessions.Rich();
        await Store.SaveAsync(session);
        ToolCall pending = session.Tasks[1].Steps[0].ToolCalls[0];
        DateTimeOffset created = pending.CreatedAt;
        DateTimeOffset firstUpdate = pending.UpdatedAt;

        pending.Start();
        await Store.SaveAsync(session);

        ToolCall stored = (await Store.GetSessionAsync(session.Id))!.FindToolCall(pending.Id)!;
        Assert.Equal((ToolCallStatus.Running, 2L, created), (stored.Status, stored.Version, stored.CreatedAt));
        Assert.True(stored.UpdatedAt > firstUpdate);
        Assert.Equal(pending.UpdatedAt, stored.UpdatedAt);
    }

    [Fact]
    public async Task DeleteSessionAsync_removes_the_session_and_everything_in_it()
    {
        Session kept = TestSessions.Rich("kept");
        Session doomed = TestSessions.Rich("doomed");
        await Store.SaveAllAsync([kept, doomed]);

        Assert.True(await Store.DeleteSessionAsync(doomed.Id));

        Assert.Null(await Store.GetSessionAsync(doomed.Id));
        Assert.Empty(await Store.ReadEventsAsync(doomed));
        Assert.Equal([kept.Id], (await Store.QuerySessionsAsync(SessionFilter.All, SessionSort.CreatedAscending, PaginationOptions.FirstPage)).Items.Select(s => s.Id));
        Assert.Equal(Stored(TestSessions.Documents(kept)), TestSessions.Documents((await Store.GetSessionAsync(kept.Id))!));
        Assert.False(await Store.DeleteSessionAsync(doomed.Id));
    }

    [Fact]
    public async Task DeleteSessionAsync_returns_false_and_writes_nothing_for_an_unknown_session()
    {
        await Store.CreateSessionAsync("other");
        string before = await SnapshotAsync();

        Assert.False(await Store.DeleteSessionAsync(SessionId.New()));

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    [Trait("AC", "AC-059")]
    public async Task SaveAsync_stores_sql_injection_text_verbatim()
    {
        const string Title = "x'); DROP TABLE sessions; --";
        const string Goal = "\"; DELETE FROM outbox; SELECT \"";
        Session session = await Store.CreateSessionAsync(Title, Goal);
        SessionTask task = session.AddTask("'; UPDATE tool_calls SET result = NULL; --");
        ToolCall call = task.AddStep("$id").AddToolCall("sh -c 'rm -rf /'", """{"q":"' OR 1=1 --"}""");
        call.Succeed("Robert'); DROP TABLE students;--");
        await Store.SaveAsync(session);

        Session loaded = (await Store.GetSessionAsync(session.Id))!;

        Assert.Equal(Title, loaded.Title);
        Assert.Equal(Goal, loaded.Goal);
        Assert.Equal("'; UPDATE tool_calls SET result = NULL; --", loaded.Tasks[0].Title);
        Assert.Equal("$id", loaded.Tasks[0].Steps[0].Title);
        Assert.Equal("Robert'); DROP TABLE students;--", loaded.FindToolCall(call.Id)!.Result);
        Assert.Equal(1, await CountSessionsAsync());
    }

    [Fact]
    public async Task SaveAsync_honours_a_cancelled_token_before_writing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.SaveAsync(TestSessions.Rich(), cancelled.Token));

        Assert.Equal(0, await CountSessionsAsync());
    }

    [Theory]
    [MemberData(nameof(Additions))]
    public async Task Adding_to_a_stale_copy_of_a_deleted_session_is_a_concurrency_conflict_and_writes_nothing(string addition)
    {
        Session original = TestSessions.Rich();
        await Store.SaveAsync(original);
        Session stale = (await Store.GetSessionAsync(original.Id))!;
        Assert.True(await Store.DeleteSessionAsync(original.Id));
        string before = await SnapshotAsync();

        Step step = stale.Tasks[0].Steps[0];
        string addedId = addition switch
        {
            "task" => stale.AddTask("added after the deletion").Id.Value,
            "step" => stale.Tasks[0].AddStep("added after the deletion").Id.Value,
            "tool call" => step.AddToolCall("echo", "{}").Id.Value,
            "artifact" => stale.AddArtifact("late.txt", ArtifactKind.File, "text/plain", new byte[] { 1, 2, 3 }).Id.Value,
            _ => stale.AppendEvent("note", "{}").Id.Value,
        };

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(stale));

        Assert.True(conflict.SessionWasDeleted);
        Assert.Equal(original.Id.Value, conflict.DeletedSessionId);
        Assert.Equal(addedId, conflict.EntityId);
        Assert.Contains("was deleted", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(0, await CountSessionsAsync());
    }
}

using Acode.Application;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>Export from one workspace, import into the store: same ids, versions, timestamps; idempotent.</summary>
public abstract partial class RunStateStoreContractTests
{
    [Fact]
    public async Task ImportAsync_into_a_fresh_workspace_reproduces_the_exported_session()
    {
        Session original = await SavedRichSession();
        (Session rebuilt, IReadOnlyList<SessionEvent> events) = await Export(Source, original.Id);
        int documents = TestSessions.EntitiesOf(rebuilt).Count + events.Count;

        ImportResult result = await Store.ImportAsync(rebuilt, events);

        Assert.Equal(new ImportResult(documents, 0, 0), result);
        Session imported = (await Store.GetSessionAsync(original.Id))!;
        Session exported = (await Source.GetSessionAsync(original.Id))!;
        Assert.Equal(Stored(TestSessions.Documents(exported)), TestSessions.Documents(imported));
        Assert.Equal(Stored(TestSessions.Documents(await Source.ReadEventsAsync(exported))), TestSessions.Documents(await Store.ReadEventsAsync(imported)));
        Assert.Equal(exported.LastEventSequence, imported.LastEventSequence);
    }

    [Fact]
    public async Task ImportAsync_twice_inserts_nothing_the_second_time()
    {
        Session original = await SavedRichSession();
        (Session rebuilt, IReadOnlyList<SessionEvent> events) = await Export(Source, original.Id);
        ImportResult first = await Store.ImportAsync(rebuilt, events);
        string before = await SnapshotAsync();

        (Session again, IReadOnlyList<SessionEvent> againEvents) = await Export(Source, original.Id);
        ImportResult second = await Store.ImportAsync(again, againEvents);

        Assert.Equal(new ImportResult(0, 0, first.Inserted), second);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task ImportAsync_replaces_rows_only_with_newer_versions()
    {
        Session original = await SavedRichSession();
        (Session v1, IReadOnlyList<SessionEvent> v1Events) = await Export(Source, original.Id);
        await Store.ImportAsync(v1, v1Events);

        ToolCall pending = original.Tasks[1].Steps[0].ToolCalls[0];
        pending.Start();
        original.Rename("renamed at the source");
        await Source.SaveAsync(original);
        (Session v2, IReadOnlyList<SessionEvent> v2Events) = await Export(Source, original.Id);

        ImportResult result = await Store.ImportAsync(v2, v2Events);
        ImportResult older = await Store.ImportAsync(v1, v1Events);

        Assert.Equal(2, result.Updated);
        Assert.Equal(0, result.Inserted);
        Assert.Equal(0, older.Inserted + older.Updated);
        Session imported = (await Store.GetSessionAsync(original.Id))!;
        Assert.Equal("renamed at the source", imported.Title);
        Assert.Equal(ToolCallStatus.Running, imported.FindToolCall(pending.Id)!.Status);
        Assert.Equal(Stored(TestSessions.Documents((await Source.GetSessionAsync(original.Id))!)), TestSessions.Documents(imported));
    }

    [Fact]
    public async Task ImportAsync_rejects_a_session_with_unsaved_changes()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ImportAsync(TestSessions.Rich(), []));

        Assert.Equal(0, await CountSessionsAsync());
    }

    private async Task<Session> SavedRichSession()
    {
        Session session = TestSessions.Rich();
        await Source.SaveAsync(session);
        return session;
    }
}

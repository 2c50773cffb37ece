using System.Text.Json.Nodes;
using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Serialization;
using Acode.Infrastructure.Imports;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>
/// Every write stamps a version after the stored one, so each version of an entity keeps an idempotency key
/// (<c>EntityType:id:updated_at</c>) of its own (docs/architecture.md, "Each version its own stamp"). An import never
/// writes a version whose <c>updated_at</c> is not after the stored row's: an edited export whose <c>version</c> rose
/// while its <c>updatedAt</c> stayed (or went back) is written just after the stored version (1 + a content hash
/// modulo 2²⁴ ticks: <see cref="ImportedStamp"/>). A save of an object
/// whose stamp is not the stored one at the same version number (another lineage) is a conflict.
/// </summary>
public abstract partial class RunStateStoreContractTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-10_000_000)]
    public async Task ImportAsync_of_a_higher_version_not_stamped_later_writes_it_just_after_the_stored_version(long ticksMoved)
    {
        Session original = TestSessions.Rich();
        await Source.SaveAsync(original);
        (Session v1, IReadOnlyList<SessionEvent> v1Events) = await Export(Source, original.Id);
        await Store.ImportAsync(v1, v1Events);
        Session stored = (await Store.GetSessionAsync(original.Id))!;
        SessionTask task = stored.Tasks[0];

        (Session edited, IReadOnlyList<SessionEvent> editedEvents) = Edited(stored, await Store.ReadEventsAsync(stored), ticksMoved, stored.Id.Value, task.Id.Value);
        ImportResult result = await Store.ImportAsync(edited, editedEvents);
        string afterFirst = await SnapshotAsync();
        ImportResult again = await Store.ImportAsync(edited, editedEvents);

        Assert.Equal(2, result.Updated);
        Assert.Equal(0, result.Inserted);
        Assert.Equal(0, again.Inserted + again.Updated);
        Assert.Equal(afterFirst, await SnapshotAsync());
        Session imported = (await Store.GetSessionAsync(original.Id))!;
        Assert.Equal((stored.Version + 1, "edited"), (imported.Version, imported.Title));
        Assert.InRange(imported.UpdatedAt.UtcTicks - stored.UpdatedAt.UtcTicks, 1, ImportedStamp.Spread);
        SessionTask importedTask = imported.Tasks[0];
        Assert.Equal((task.Version + 1, "edited"), (importedTask.Version, importedTask.Title));
        Assert.InRange(importedTask.UpdatedAt.UtcTicks - task.UpdatedAt.UtcTicks, 1, ImportedStamp.Spread);
        Assert.Equal(stored.CreatedAt, imported.CreatedAt);

        // The stamp moved, nothing else: a save of the imported session stamps after it.
        DateTimeOffset importedAt = imported.UpdatedAt;
        imported.Rename("saved after");
        await Store.SaveAsync(imported);
        Session saved = (await Store.GetSessionAsync(original.Id))!;
        Assert.Equal(stored.Version + 2, saved.Version);
        Assert.True(saved.UpdatedAt > importedAt);
    }

    [Fact]
    public async Task ImportAsync_of_a_higher_version_stamped_later_keeps_its_stamp()
    {
        Session original = TestSessions.Rich();
        await Source.SaveAsync(original);
        (Session v1, IReadOnlyList<SessionEvent> v1Events) = await Export(Source, original.Id);
        await Store.ImportAsync(v1, v1Events);
        Session stored = (await Store.GetSessionAsync(original.Id))!;

        (Session edited, IReadOnlyList<SessionEvent> editedEvents) = Edited(stored, await Store.ReadEventsAsync(stored), 10_000_000, stored.Id.Value);
        await Store.ImportAsync(edited, editedEvents);

        Session imported = (await Store.GetSessionAsync(original.Id))!;
        Assert.Equal((stored.Version + 1, stored.UpdatedAt.AddTicks(10_000_000)), (imported.Version, imported.UpdatedAt));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task SaveAsync_of_an_object_at_the_stored_version_number_with_another_stamp_is_a_conflict_and_writes_nothing(long ticksMoved)
    {
        Session created = await Store.CreateSessionAsync("stored");
        created.Rename("stored, version 2");
        await Store.SaveAsync(created);
        Session stored = (await Store.GetSessionAsync(created.Id))!;
        Session other = Session.Restore(stored.Id, stored.Title, stored.Goal, stored.State, stored.LastEventSequence, stored.Version, stored.CreatedAt, stored.UpdatedAt.AddTicks(ticksMoved));
        other.Rename("another lineage");
        string before = await SnapshotAsync();

        ConcurrencyConflictException conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(other));

        Assert.Equal((stored.Version, stored.Version), (conflict.ExpectedVersion, conflict.StoredVersion!.Value));
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal("stored, version 2", (await Store.GetSessionAsync(created.Id))!.Title);
    }

    /// <summary>
    /// The session as an export of it would be after an edit by hand: the entities <paramref name="ids"/> with their
    /// <c>version</c> raised by one, their <c>title</c> "edited" and their <c>updatedAt</c> moved by <paramref name="ticksMoved"/>.
    /// </summary>
    private static (Session Session, IReadOnlyList<SessionEvent> Events) Edited(Session session, IReadOnlyList<SessionEvent> events, long ticksMoved, params string[] ids)
    {
        var builder = new SessionGraphBuilder();
        foreach (string line in TestSessions.Documents(session).Concat(TestSessions.Documents(events)))
        {
            JsonObject document = JsonNode.Parse(line)!.AsObject();
            if (ids.Contains(document["id"]!.GetValue<string>()))
            {
                document["version"] = document["version"]!.GetValue<long>() + 1;
                document["title"] = "edited";
                document["updatedAt"] = UtcTimestamp.Format(UtcTimestamp.Parse(document["updatedAt"]!.GetValue<string>()).AddTicks(ticksMoved));
            }

            builder.Add(EntityJson.Deserialize(document.ToJsonString()));
        }

        return (builder.Session!, builder.Events);
    }
}

using System.Globalization;
using Acode.Application;
using Acode.Application.Errors;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>
/// The store's documented APIs used one after the other on the object the caller holds (issue 10, item 13): appending
/// never invalidates a held session, and a real conflict names what happened (saved from another copy, imported over,
/// deleted) instead of "another writer".
/// </summary>
public abstract partial class RunStateStoreContractTests
{
    [Fact]
    public async Task Saving_the_held_session_after_AppendEventAsync_succeeds_and_puts_its_events_after_the_appended_one()
    {
        IRunStateStore store = Store;
        Session session = await store.CreateSessionAsync("held");
        (EventId Id, long Sequence)? appended = await store.AppendEventAsync(session.Id, "tool.output", """{"line":1}""");

        session.TransitionTo(SessionState.Planning);
        SessionTask task = session.AddTask("a task");
        SessionEvent note = session.AppendEvent("note", """{"n":1}""");
        await store.SaveAsync(session);

        Assert.Equal(2, appended!.Value.Sequence);
        SessionEvent stateChanged = await Single(store, session, SessionEventTypes.StateChanged);
        Assert.Equal(3, stateChanged.Sequence);
        Assert.Equal(4, note.Sequence);
        Assert.Equal(4, session.LastEventSequence);
        Assert.Equal(2, session.Version);
        Assert.Equal(1, task.Version);
        Assert.Equal([1L, 2, 3, 4], (await store.ReadEventsAsync(session)).Select(e => e.Sequence));

        // And again: the held object keeps working with later appends from either side.
        await store.AppendEventAsync(session.Id, "tool.output", """{"line":2}""");
        session.Rename("still held");
        SessionEvent later = session.AppendEvent("note", """{"n":2}""");
        await store.SaveAsync(session);
        Assert.Equal(6, later.Sequence);
        Session reloaded = (await store.GetSessionAsync(session.Id))!;
        Assert.Equal(("still held", 3L, 6L), (reloaded.Title, reloaded.Version, reloaded.LastEventSequence));
    }

    [Fact]
    public async Task Two_held_copies_that_only_append_events_both_save_and_the_log_stays_gap_free()
    {
        IRunStateStore store = Store;
        Session created = await store.CreateSessionAsync("two copies");
        Session a = (await store.GetSessionAsync(created.Id))!;
        Session b = (await store.GetSessionAsync(created.Id))!;

        a.AppendEvent("from a");
        b.AppendEvent("from b");
        b.AppendEvent("from b");
        await store.SaveAsync(a);
        await store.SaveAsync(b);

        Assert.Equal(["session.created", "from a", "from b", "from b"], (await store.ReadEventsAsync(a)).Select(e => e.Type));
        Assert.Equal([1L, 2, 3, 4], (await store.ReadEventsAsync(a)).Select(e => e.Sequence));
        Assert.Equal(4, b.LastEventSequence);
    }

    [Fact]
    public async Task A_randomized_interleaving_of_appends_and_held_saves_never_conflicts_and_keeps_sequences_unique_and_gap_free()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("ACODE_TEST_SEED"), out int given) ? given : Environment.TickCount;
        Output.WriteLine($"seed {seed} (ACODE_TEST_SEED={seed} repeats it)");
        var random = new Random(seed);
        IRunStateStore store = Store;
        Session created = await store.CreateSessionAsync("random");
        Session[] copies = [(await store.GetSessionAsync(created.Id))!, (await store.GetSessionAsync(created.Id))!];
        var held = new List<SessionEvent>();
        int appendedElsewhere = 0;
        for (int i = 0; i < 200; i++)
        {
            Session copy = copies[random.Next(copies.Length)];
            switch (random.Next(3))
            {
                case 0:
                    await store.AppendEventAsync(created.Id, "elsewhere", string.Create(CultureInfo.InvariantCulture, $"{{\"i\":{i}}}"));
                    appendedElsewhere++;
                    break;
                case 1:
                    held.Add(copy.AppendEvent("held", string.Create(CultureInfo.InvariantCulture, $"{{\"i\":{i}}}")));
                    break;
                default:
                    await store.SaveAsync(copy);
                    break;
            }
        }

        await store.SaveAllAsync(copies);

        IReadOnlyList<SessionEvent> log = await store.ReadEventsAsync(created, limit: 10_000);
        Assert.True(
            log.Select(e => e.Sequence).SequenceEqual(Enumerable.Range(1, 1 + appendedElsewhere + held.Count).Select(n => (long)n)),
            $"seed {seed}: {log.Count} events stored, {1 + appendedElsewhere + held.Count} expected; sequences {string.Join(",", log.Select(e => e.Sequence))}");
        Dictionary<string, long> stored = log.ToDictionary(e => e.Id.Value, e => e.Sequence);
        Assert.All(held, e => Assert.Equal(stored[e.Id.Value], e.Sequence));
        Assert.All(copies, c => Assert.True(c.LastEventSequence <= log.Count, $"seed {seed}"));
    }

    [Fact]
    public async Task Two_copies_of_one_session_saved_together_number_their_new_events_one_after_the_other()
    {
        IRunStateStore store = Store;
        Session created = await store.CreateSessionAsync("two copies");
        Session first = (await store.GetSessionAsync(created.Id))!;
        Session second = (await store.GetSessionAsync(created.Id))!;
        SessionEvent a = first.AppendEvent("held", """{"copy":1}""");
        SessionEvent b = second.AppendEvent("held", """{"copy":2}""");

        await store.SaveAllAsync([first, second]);

        IReadOnlyList<SessionEvent> log = await store.ReadEventsAsync(created, limit: 100);
        Assert.Equal([1L, 2L, 3L], log.Select(e => e.Sequence).ToArray());
        Assert.NotEqual(a.Sequence, b.Sequence);
        Assert.Equal(log.Single(e => e.Id == a.Id).Sequence, a.Sequence);
        Assert.Equal(log.Single(e => e.Id == b.Id).Sequence, b.Sequence);
    }

    [Fact]
    public async Task The_same_object_listed_twice_in_SaveAllAsync_is_saved_once()
    {
        IRunStateStore store = Store;
        Session session = await store.CreateSessionAsync("twice");
        session.Rename("renamed");
        session.AddTask("one task");

        await store.SaveAllAsync([session, session]);

        Assert.Equal(2, session.Version);
        Assert.Single((await store.GetSessionAsync(session.Id))!.Tasks);
        Assert.Equal("renamed", (await store.GetSessionAsync(session.Id))!.Title);
    }

    [Fact]
    public async Task A_null_entry_in_SaveAllAsync_is_an_argument_error_and_nothing_is_saved()
    {
        // Trial AL 8: a NullReferenceException from inside the save.
        IRunStateStore store = Store;
        Session session = await store.CreateSessionAsync("with a null beside it");
        session.Rename("renamed");

        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAllAsync([session, null!]));

        Assert.Equal(1, session.Version);
        Assert.Equal("with a null beside it", (await store.GetSessionAsync(session.Id))!.Title);
    }

    [Fact]
    public async Task A_save_over_a_copy_saved_meanwhile_is_a_conflict_that_names_both_versions_and_writes_nothing()
    {
        IRunStateStore store = Store;
        Session created = await store.CreateSessionAsync("shared");
        Session a = (await store.GetSessionAsync(created.Id))!;
        Session b = (await store.GetSessionAsync(created.Id))!;
        a.Rename("by a");
        await store.SaveAsync(a);
        b.Rename("by b");
        b.AddTask("lost with the save");
        string before = await SnapshotAsync();

        ConcurrencyConflictException conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(b));

        Assert.Equal((1L, 2L, false), (conflict.ExpectedVersion, conflict.StoredVersion!.Value, conflict.IsDeleted));
        Assert.Contains("is at version 2 in the database, but this object was loaded at version 1", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("reload the session with GetSessionAsync", conflict.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("another writer", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
        Assert.Empty((await store.GetSessionAsync(created.Id))!.Tasks);
        Assert.Equal(2, b.PendingChanges.Count);
    }

    [Fact]
    public async Task Saving_a_held_session_after_it_was_imported_over_is_a_conflict_naming_the_stored_version()
    {
        IRunStateStore store = Store;
        Session held = await store.CreateSessionAsync("held");
        DateTimeOffset later = held.UpdatedAt.AddMinutes(1);
        Session newer = Session.Restore(held.Id, "imported", null, SessionState.Planning, 0, 5, held.CreatedAt, later);
        await store.ImportAsync(newer, []);
        held.Rename("mine");

        ConcurrencyConflictException conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(held));

        Assert.Equal(5, conflict.StoredVersion);
        Assert.Contains("imported over", conflict.Message, StringComparison.Ordinal);
        Assert.Equal("imported", (await store.GetSessionAsync(held.Id))!.Title);
    }

    [Fact]
    public async Task Saving_a_held_session_after_DeleteSessionAsync_is_a_conflict_that_says_it_was_deleted()
    {
        IRunStateStore store = Store;
        Session held = await store.CreateSessionAsync("held");
        Assert.True(await store.DeleteSessionAsync(held.Id));
        held.Rename("after delete");

        ConcurrencyConflictException conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(held));

        Assert.True(conflict.IsDeleted);
        Assert.Null(conflict.StoredVersion);
        Assert.Contains("no longer exists in the database: its session was deleted", conflict.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetSessionAsync(held.Id));
        Assert.Equal(0, await CountSessionsAsync());
    }

    private static async Task<SessionEvent> Single(IRunStateStore store, Session session, string type)
        => Assert.Single(await store.ReadEventsAsync(session), e => e.Type == type);
}

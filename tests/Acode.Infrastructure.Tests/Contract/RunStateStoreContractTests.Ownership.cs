using Acode.Application.Errors;
using Acode.Application.Serialization;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>A row never moves between sessions (docs/architecture.md, "Conflicts"): not through a save of a forged copy either.</summary>
public abstract partial class RunStateStoreContractTests
{
    [Fact]
    public async Task SaveAsync_of_a_forged_copy_that_changes_another_sessions_child_throws_and_moves_nothing()
    {
        Session original = TestSessions.Rich();
        await Store.SaveAsync(original);
        string before = await SnapshotAsync();

        // An export of the original with the session's id changed and the children's ids kept, rebuilt, then changed.
        SessionId forkId = SessionId.New();
        var builder = new SessionGraphBuilder();
        foreach (string line in TestSessions.Documents((await Store.GetSessionAsync(original.Id))!))
        {
            builder.Add(EntityJson.Deserialize(line.Replace(original.Id.Value, forkId.Value, StringComparison.Ordinal)));
        }

        Session fork = builder.Session!;
        ToolCall call = fork.Tasks[1].Steps[0].ToolCalls[0];
        call.Start();

        ConcurrencyConflictException conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(fork));

        Assert.Equal((original.Id.Value, call.Id.Value), (conflict.OwningSessionId, conflict.EntityId));
        Assert.Contains($"belongs to session {original.Id}, not to {forkId}", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
        Assert.Null(await Store.GetSessionAsync(forkId));
    }
}

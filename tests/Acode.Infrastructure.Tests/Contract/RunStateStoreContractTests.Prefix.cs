namespace Acode.Infrastructure.Tests.Contract;

/// <summary>Finding sessions by a unique start of their id (as typed on the command line, locally and with <c>--remote</c>).</summary>
public abstract partial class RunStateStoreContractTests
{
    [Fact]
    public async Task FindSessionIdsByPrefixAsync_finds_the_stored_sessions_whose_id_starts_with_the_prefix_in_id_order()
    {
        List<Session> sessions = Enumerable.Range(0, 5).Select(i => Session.Create($"session {i}")).ToList();
        await Store.SaveAllAsync(sessions);
        List<string> ids = [.. sessions.Select(s => s.Id.Value).Order(StringComparer.Ordinal)];
        await Store.DeleteSessionAsync(SessionId.Parse(ids[4]));

        foreach (string id in ids.Take(4))
        {
            Assert.Equal([id], (await Store.FindSessionIdsByPrefixAsync(id, 10)).Select(s => s.Value));
            for (int length = "sess_".Length + 4; length < id.Length; length += 5)
            {
                string prefix = id[..length];
                Assert.Equal(ids.Take(4).Where(i => i.StartsWith(prefix, StringComparison.Ordinal)), (await Store.FindSessionIdsByPrefixAsync(prefix, 10)).Select(s => s.Value));
            }
        }

        Assert.Equal(ids.Take(2), (await Store.FindSessionIdsByPrefixAsync("sess_", 2)).Select(s => s.Value)); // the limit, in id order
        Assert.Empty(await Store.FindSessionIdsByPrefixAsync(ids[4], 10)); // deleted
        Assert.Empty(await Store.FindSessionIdsByPrefixAsync("sess_ZZZZ", 10));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.FindSessionIdsByPrefixAsync("", 10));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.FindSessionIdsByPrefixAsync("sess_01", 0));
    }
}

using Acode.Application.Redaction;
using Acode.Application.Serialization;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>
/// Every write path redacts on both engines (docs/secrets.md): an append and an import replace secrets before anything is
/// stored and count them in one <c>secrets.redacted</c> event at the end of the log; a second import redacts nothing new.
/// </summary>
public abstract partial class RunStateStoreContractTests
{
    private static readonly string GitHubToken = "gh" + "p_" + "R8f2KqLx93VbT1mNzW6yHc4PjD0sAeGu7oXi";

    [Fact]
    public async Task AppendEventAsync_redacts_the_payload_and_counts_it_in_a_secrets_redacted_event()
    {
        Session session = await Store.CreateSessionAsync("append with a secret");

        (EventId id, long sequence) = (await Store.AppendEventAsync(session.Id, "http.request", $$"""{"token":"{{GitHubToken}}"}"""))!.Value;

        Session loaded = (await Store.GetSessionAsync(session.Id))!;
        IReadOnlyList<SessionEvent> events = await Store.ReadEventsAsync(loaded);
        SessionEvent appended = Assert.Single(events, e => e.Id == id);
        Assert.Equal(sequence, appended.Sequence);
        Assert.DoesNotContain(GitHubToken, appended.PayloadJson, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:github-token]", appended.PayloadJson, StringComparison.Ordinal);
        SessionEvent counted = Assert.Single(events, e => e.Type == SessionEventTypes.SecretsRedacted);
        Assert.Equal(sequence + 1, counted.Sequence);
        Assert.Equal("""{"count":1,"kinds":{"github-token":1}}""", counted.PayloadJson);
    }

    [Fact]
    public async Task ImportAsync_redacts_what_it_writes_and_a_second_import_redacts_nothing_new()
    {
        const string Marker = "TOKEN-PLACEHOLDER";
        Session original = TestSessions.Rich();
        original.Tasks[0].Steps[0].AddToolCall("env", "{}").Succeed("GH=" + Marker);
        await Source.SaveAsync(original);
        Session exported = (await Source.GetSessionAsync(original.Id))!;
        string[] lines = [.. TestSessions.Documents(exported).Concat(TestSessions.Documents(await Source.ReadEventsAsync(exported)))
            .Select(line => line.Replace(Marker, GitHubToken, StringComparison.Ordinal))];

        for (int i = 0; i < 2; i++)
        {
            var builder = new SessionGraphBuilder();
            foreach (string line in lines)
            {
                builder.Add(EntityJson.Deserialize(line));
            }

            await Store.ImportAsync(builder.Session!, builder.Events);
        }

        Session imported = (await Store.GetSessionAsync(original.Id))!;
        Assert.Contains(imported.Tasks[0].Steps[0].ToolCalls, c => c.Result == "GH=[REDACTED:github-token]");
        Assert.DoesNotContain(GitHubToken, string.Join("\n", TestSessions.Documents(imported)), StringComparison.Ordinal);
        IReadOnlyList<SessionEvent> events = await Store.ReadEventsAsync(imported);
        SessionEvent counted = Assert.Single(events, e => e.Type == SessionEventTypes.SecretsRedacted);
        Assert.Equal(events.Max(e => e.Sequence), counted.Sequence);
        Assert.Equal("""{"count":1,"kinds":{"github-token":1}}""", counted.PayloadJson);
    }
}

using System.Diagnostics;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// What reading the changes lost since (<c>LostSinceReader</c>) costs a sync run in PostgreSQL, counted from Npgsql's own
/// tracing (ActivitySource "Npgsql", one activity per command) under a parent activity of the run, so the statements of
/// tests running alongside are not counted.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class LostSinceStatementTests(PostgresFixture fixture)
{
    private static readonly ActivitySource Runs = new("Acode.Tests.LostSinceStatements");

    [Fact]
    public async Task An_idle_sync_run_reads_the_changes_lost_since_with_one_statement()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        await h.Store.CreateSessionAsync("delivered once");
        Assert.False((await h.Sync.SyncAsync()).Paused);

        IReadOnlyList<string> statements = await StatementsOfAsync(() => h.Sync.SyncAsync());

        // The window's start (workspaces.last_sync_at), its end (now()) and the conflicts: one statement, not three.
        string[] lostSince = [.. statements.Where(s => s.Contains("sync_conflicts", StringComparison.Ordinal) || s.Contains("last_sync_at", StringComparison.Ordinal) || s.Contains("now()", StringComparison.Ordinal))];
        Assert.True(lostSince.Length == 1, string.Join("\n---\n", statements));
    }

    [Fact]
    public async Task A_run_that_delivers_learns_the_previous_sync_from_its_registration_not_from_a_read_of_its_own()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        await h.Store.CreateSessionAsync("first");
        Assert.False((await h.Sync.SyncAsync()).Paused);
        await h.Store.CreateSessionAsync("second");

        IReadOnlyList<string> statements = await StatementsOfAsync(() => h.Sync.SyncAsync());

        Assert.DoesNotContain(statements, s => s.TrimStart().StartsWith("SELECT last_sync_at", StringComparison.Ordinal));
        Assert.True(statements.Count(s => s.Contains("sync_conflicts", StringComparison.Ordinal) && s.Contains("winner = 'incoming'", StringComparison.Ordinal)) == 1, string.Join("\n---\n", statements));
        Assert.DoesNotContain(statements, s => s.Trim() == "SELECT now();");
    }

    /// <summary>The text of every command Npgsql ran while <paramref name="work"/> ran, in order.</summary>
    private static async Task<IReadOnlyList<string>> StatementsOfAsync(Func<Task> work)
    {
        ActivitySource runs = Runs; // created before the listener, which then listens to it
        var statements = new List<string>();
        ActivityTraceId trace = default;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" || source == runs,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql" && activity.TraceId == trace)
                {
                    lock (statements)
                    {
                        statements.Add((activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement") ?? activity.DisplayName)?.ToString() ?? "");
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using (Activity run = runs.StartActivity("sync run")!)
        {
            trace = run.TraceId;
            await work();
        }

        lock (statements)
        {
            Assert.NotEmpty(statements); // Npgsql's tracing is on: a count of zero would prove nothing
            return [.. statements];
        }
    }
}

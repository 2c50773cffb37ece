using Acode.Application;
using Acode.Application.Options;
using Acode.Application.Queries;
using Acode.Infrastructure.Retention;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>persistence:retention inside a real .NET Generic Host: old sessions go by themselves, recent ones stay.</summary>
public sealed class RetentionHostingTests
{
    [Fact]
    public async Task A_host_with_retention_configured_removes_the_sessions_last_changed_before_the_cutoff()
    {
        using var workspace = new TempWorkspace();
        string[] old;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace.Workspace, time: new ShiftedTime(TimeSpan.FromDays(10))))
        {
            var store = new SqliteRunStateStore(database);
            old = [(await store.CreateSessionAsync("ten days old")).Id.Value, (await store.CreateSessionAsync("also ten days old")).Id.Value];
        }

        string recent;
        using (SqliteWorkspaceDatabase database = workspace.Open())
        {
            recent = (await new SqliteRunStateStore(database).CreateSessionAsync("today")).Id.Value;
        }

        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddAcodePersistence(workspace.Workspace, new PersistenceOptions { Retention = new RetentionOptions { OlderThanDays = 5 } });
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            IRunStateStore store = host.Services.GetRequiredService<IRunStateStore>();
            await WaitUntilAsync(async () => (await IdsAsync(store)).Count == 1);

            Assert.Equal([recent], await IdsAsync(store));
            Assert.All(old, id => Assert.Null(store.GetSessionAsync(SessionId.Parse(id)).Result));

            // No PostgreSQL is configured: their outbox records could never be delivered, so they went too (nothing counts as unsynced).
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={workspace.DatabasePath};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using Microsoft.Data.Sqlite.SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM outbox WHERE session_id <> $recent;";
            command.Parameters.AddWithValue("$recent", recent);
            Assert.Equal(0L, (long)command.ExecuteScalar()!);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Retention_is_off_by_default()
    {
        using var workspace = new TempWorkspace();
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace.Workspace, time: new ShiftedTime(TimeSpan.FromDays(3650))))
        {
            await new SqliteRunStateStore(database).CreateSessionAsync("ten years old");
        }

        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddAcodePersistence(workspace.Workspace, new PersistenceOptions());
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            Assert.Null(await host.Services.GetRequiredService<RetentionWorker>().RunOnceAsync());
            Assert.Single(await IdsAsync(host.Services.GetRequiredService<IRunStateStore>()));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData(-1, "Completed", "persistence:retention:olderThanDays")]
    [InlineData(36501, "Completed", "persistence:retention:olderThanDays")]
    [InlineData(30, "Finished", "persistence:retention:states")]
    public void Invalid_retention_settings_are_refused_naming_the_key(int days, string state, string key)
    {
        var options = new PersistenceOptions { Retention = new RetentionOptions { OlderThanDays = days, States = [state] } };
        Application.Errors.AcodeDbException error = Assert.Throws<Application.Errors.AcodeDbException>(options.Validate);
        Assert.Equal("ACODE-DB-007", error.Code);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<string>> IdsAsync(IRunStateStore store)
        => (await store.QuerySessionsAsync(new SessionFilter(), SessionSort.CreatedAscending, new PaginationOptions { Limit = 100 })).Items.Select(s => s.Id.Value).ToList();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 600 && !await condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(await condition(), "The condition did not become true within 60 s.");
    }

    /// <summary>The real clock, moved back: what a workspace wrote that long ago carries these timestamps.</summary>
    private sealed class ShiftedTime(TimeSpan back) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() - back;
    }
}

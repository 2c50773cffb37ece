using System.Diagnostics;
using Acode.Application;
using Acode.Application.Options;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Acode.Infrastructure.Tests;

/// <summary>
/// The persistence layer's metrics and spans collected by the OpenTelemetry SDK in a real generic host, configured as
/// the README's "Observability" section says (issue 11). Spans of other tests running at the same time reach the same
/// exporter (the source is process-wide), so each test picks its own: by the trace of a parent span it starts, or by the
/// PostgreSQL database it created.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class TelemetryTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_save_produces_a_span_and_a_duration_in_seconds_and_opening_the_database_a_span_per_migration()
    {
        using var workspace = new TempWorkspace();
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        AddOpenTelemetry(builder, spans, metrics);
        builder.Services.AddAcodePersistence(workspace.Workspace, new PersistenceOptions());
        using IHost host = builder.Build();

        // The database is opened (and migrated) while the host starts, before any listener could start a parent span of
        // this test's: a parent of its own, sampled, marks what this test caused.
        using var root = new Activity("test");
        root.Start();
        root.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        ActivityTraceId trace = root.TraceId;
        await host.StartAsync();
        try
        {
            IRunStateStore store = host.Services.GetRequiredService<IRunStateStore>();
            Session session = await store.CreateSessionAsync("traced");
            session.AddTask("plan");
            await store.SaveAsync(session);
            root.Stop();
            Assert.True(host.Services.GetRequiredService<MeterProvider>().ForceFlush());
        }
        finally
        {
            await host.StopAsync();
        }

        Activity[] mine = Snapshot(spans).Where(a => a.TraceId == trace && a.Source.Name == AcodeTelemetry.Name).ToArray();
        Activity[] saves = mine.Where(a => a.OperationName == "acode.save").ToArray();
        Assert.Equal(2, saves.Length);
        Assert.All(saves, s =>
        {
            Assert.Equal("sqlite", s.GetTagItem("db.system.name"));
            Assert.Equal(ActivityKind.Client, s.Kind);
            Assert.Equal(ActivityStatusCode.Unset, s.Status);
            Assert.Equal(AcodeTelemetry.Version, s.Source.Version);
        });
        Assert.Equal([2, 1], saves.Select(s => (int)s.GetTagItem("acode.change.count")!).ToArray());
        Assert.Equal(["1.0.0", "1.1.0", "1.2.0"], mine.Where(a => a.OperationName == "acode.migration").Select(a => (string)a.GetTagItem("acode.migration.version")!).Take(3).ToArray());

        MetricSnapshot duration = Assert.Single(metrics, m => m.Name == "acode.store.save.duration" && m.MeterName == AcodeTelemetry.Name && m.MeterVersion == AcodeTelemetry.Version);
        Assert.Equal("s", duration.Unit);
        long count = duration.MetricPoints.Sum(p => p.GetHistogramCount());
        double sum = duration.MetricPoints.Sum(p => p.GetHistogramSum());
        Assert.True(count >= 2, $"{count} saves measured");
        Assert.True(sum > 0 && sum < count * 5.0, $"{count} saves took {sum} in all: seconds, not milliseconds");
    }

    [Fact]
    public async Task The_PostgreSQL_store_produces_save_and_delete_spans_as_the_SQLite_store_does()
    {
        // Trial AL 3: a host on the PostgreSQL store saw only acode.migration spans.
        using var workspace = new TempWorkspace();
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        var options = new PersistenceOptions
        {
            Postgres = new PostgresOptions { ConnectionString = await fixture.CreateDatabaseAsync() },
            Store = new StoreOptions { Kind = RunStateStoreKind.Postgres },
        };
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        AddOpenTelemetry(builder, spans, metrics);
        builder.Services.AddAcodePersistence(workspace.Workspace, options);
        using IHost host = builder.Build();
        using var root = new Activity("test");
        root.Start();
        root.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        ActivityTraceId trace = root.TraceId;
        await host.StartAsync();
        try
        {
            IRunStateStore store = host.Services.GetRequiredService<IRunStateStore>();
            Session session = await store.CreateSessionAsync("traced");
            session.AddTask("plan");
            await store.SaveAsync(session);
            Assert.True(await store.DeleteSessionAsync(session.Id));
            root.Stop();
        }
        finally
        {
            await host.StopAsync();
        }

        Activity[] mine = Snapshot(spans).Where(a => a.TraceId == trace && a.Source.Name == AcodeTelemetry.Name && a.OperationName != "acode.migration").ToArray();
        Assert.Equal(["acode.save", "acode.save", "acode.delete"], mine.OrderBy(a => a.StartTimeUtc).Select(a => a.OperationName).ToArray());
        Assert.All(mine, a =>
        {
            Assert.Equal("postgresql", a.GetTagItem("db.system.name"));
            Assert.Equal(ActivityKind.Client, a.Kind);
            Assert.Equal(ActivityStatusCode.Unset, a.Status);
        });
        Assert.Equal([2, 1], mine.Where(a => a.OperationName == "acode.save").OrderBy(a => a.StartTimeUtc).Select(a => (int)a.GetTagItem("acode.change.count")!).ToArray());
        Assert.Equal(true, mine.Single(a => a.OperationName == "acode.delete").GetTagItem("acode.deleted"));
    }

    [Fact]
    public async Task A_sync_batch_against_PostgreSQL_produces_a_batch_span_and_the_first_sync_a_span_per_migration()
    {
        using var workspace = new TempWorkspace();
        string connectionString = await fixture.CreateDatabaseAsync();
        string database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        var options = new PersistenceOptions
        {
            Postgres = new PostgresOptions { ConnectionString = connectionString },
            Sync = new Application.Sync.SyncOptions { PollIntervalSeconds = 3600 },
        };
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddAcodePersistence(workspace.Workspace, options);
        AddOpenTelemetry(builder, spans, metrics);
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            IRunStateStore store = host.Services.GetRequiredService<IRunStateStore>();
            Session session = await store.CreateSessionAsync("synced");
            session.AddTask("plan");
            await store.SaveAsync(session);
            long records = SqliteProbe.Count(workspace.DatabasePath, "SELECT count(*) FROM outbox");
            await WaitUntilAsync(() => Snapshot(spans).Where(a => IsBatchOf(a, database)).Sum(b => (long)b.GetTagItem("acode.sync.delivered")!) == records);
            Assert.True(host.Services.GetRequiredService<MeterProvider>().ForceFlush());
        }
        finally
        {
            await host.StopAsync();
        }

        Activity[] batches = Snapshot(spans).Where(a => IsBatchOf(a, database)).ToArray();
        long delivered = SqliteProbe.Count(workspace.DatabasePath, "SELECT count(*) FROM outbox");
        Assert.True(delivered >= 3, $"{delivered} records");
        Assert.All(batches, b =>
        {
            Assert.Equal("postgresql", b.GetTagItem("db.system.name"));
            Assert.Equal("delivered", b.GetTagItem("acode.sync.outcome"));
            Assert.Equal(ActivityStatusCode.Unset, b.Status);
            Assert.True((long)b.GetTagItem("acode.sync.bytes")! > 0);
            Assert.Equal(fixture.Server.Port, (int)b.GetTagItem("server.port")!);
            Assert.DoesNotContain(b.TagObjects, t => t.Value is string text && text.Contains(fixture.Server.Password, StringComparison.Ordinal));
        });
        Assert.Equal(delivered, batches.Sum(b => (int)b.GetTagItem("db.operation.batch.size")!));

        string[] migrations = Snapshot(spans)
            .Where(a => a.OperationName == "acode.migration" && "postgresql".Equals(a.GetTagItem("db.system.name")) && database.Equals(a.GetTagItem("db.namespace")))
            .Select(a => (string)a.GetTagItem("acode.migration.version")!).ToArray();
        Assert.Contains("1.0.0", migrations);
        Assert.Equal(migrations.Distinct().Count(), migrations.Length);

        MetricSnapshot batchDuration = Assert.Single(metrics, m => m.Name == "acode.sync.batch.duration" && m.MeterVersion == AcodeTelemetry.Version);
        Assert.Equal("s", batchDuration.Unit);
    }

    [Fact]
    public async Task A_sync_batch_PostgreSQL_refuses_is_an_error_span_with_the_ACODE_code_and_no_password()
    {
        using var workspace = new TempWorkspace();
        string connectionString = await fixture.CreateDatabaseAsync();
        string database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var spans = new List<Activity>();
        var options = new PersistenceOptions
        {
            Postgres = new PostgresOptions { ConnectionString = connectionString },
            Sync = new Application.Sync.SyncOptions { PollIntervalSeconds = 3600 },
        };
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddAcodePersistence(workspace.Workspace, options);
        AddOpenTelemetry(builder, spans, []);
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            IRunStateStore store = host.Services.GetRequiredService<IRunStateStore>();
            await store.CreateSessionAsync("first");
            await WaitUntilAsync(() => Snapshot(spans).Any(a => IsBatchOf(a, database)));

            // The mirror's table is replaced by one without its columns: the server refuses the batch (the schema is damaged).
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var revoke = new NpgsqlCommand("ALTER TABLE sessions RENAME TO sessions_gone; CREATE TABLE sessions (id text);", connection);
                await revoke.ExecuteNonQueryAsync();
            }

            await store.CreateSessionAsync("second");
            await WaitUntilAsync(() => Snapshot(spans).Any(a => IsBatchOf(a, database) && !"delivered".Equals(a.GetTagItem("acode.sync.outcome"))));
        }
        finally
        {
            await host.StopAsync();
        }

        Activity failed = Snapshot(spans).First(a => IsBatchOf(a, database) && !"delivered".Equals(a.GetTagItem("acode.sync.outcome")));
        Assert.Equal("failed", failed.GetTagItem("acode.sync.outcome"));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        string code = Assert.IsType<string>(failed.GetTagItem("error.type"));
        Assert.Matches("^ACODE-DB-[0-9]{3}$", code);
        Assert.Equal(code, failed.StatusDescription);
        Assert.Equal(code, failed.GetTagItem("acode.error.code"));
        Assert.All(failed.TagObjects, t => Assert.DoesNotContain(fixture.Server.Password, t.Value?.ToString() ?? "", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Server.Password, failed.StatusDescription ?? "", StringComparison.Ordinal);
    }

    private static bool IsBatchOf(Activity activity, string database)
        => activity.OperationName == "acode.sync.batch" && database.Equals(activity.GetTagItem("db.namespace"));

    private static void AddOpenTelemetry(HostApplicationBuilder builder, List<Activity> spans, List<MetricSnapshot> metrics)
    {
        builder.Services.AddOpenTelemetry()
            .WithMetrics(m => m.AddMeter(AcodeTelemetry.Name).AddInMemoryExporter(metrics))
            .WithTracing(t => t.AddSource(AcodeTelemetry.Name).AddInMemoryExporter(spans));
    }

    /// <summary>A copy taken under the exporter's lock-free list: the sync worker may add while the test reads.</summary>
    private static Activity[] Snapshot(List<Activity> spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), "The condition did not become true within 30 s.");
    }
}

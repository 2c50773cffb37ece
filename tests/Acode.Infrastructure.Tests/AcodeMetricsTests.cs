using System.Diagnostics.Metrics;
using Acode.Application;
using Acode.Application.Options;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Acode.Infrastructure.Tests;

/// <summary>
/// The observable gauges read the outbox when they are observed (issue 10, item 14): with no PostgreSQL configured and
/// no sync ever run, the backlog they report follows every save.
/// </summary>
public sealed class AcodeMetricsTests
{
    [Fact]
    [Trait("AC", "AC-051")]
    public async Task Outbox_gauges_in_a_host_without_PostgreSQL_follow_every_save_without_a_sync()
    {
        using var workspace = new TempWorkspace();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddAcodePersistence(workspace.Workspace, new PersistenceOptions());
        builder.Services.AddSingleton<TimeProvider>(clock);
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            using var gauges = new GaugeReader(host.Services.GetRequiredService<IMeterFactory>());
            Assert.Equal((0d, 0d, 0d), gauges.Read());

            IRunStateStore store = host.Services.GetRequiredService<IRunStateStore>();
            Session session = await store.CreateSessionAsync("first");
            long afterOne = Pending(workspace);
            clock.Advance(TimeSpan.FromSeconds(90));
            Assert.Equal(2, afterOne);
            (double depth, double deadLetters, double age) = gauges.Read();
            Assert.Equal((2d, 0d), (depth, deadLetters));
            Assert.InRange(age, 89.9, 90.1);

            session.AddTask("more work");
            await store.SaveAsync(session);
            await store.AppendEventAsync(session.Id, "note");
            SqliteProbe.Execute(workspace.DatabasePath, "UPDATE outbox SET status = 'Failed' WHERE id = (SELECT min(id) FROM outbox);");

            Assert.Equal(3, Pending(workspace));
            (depth, deadLetters, _) = gauges.Read();
            Assert.Equal((3d, 1d), (depth, deadLetters));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Gauges_read_the_database_a_store_was_built_with_and_report_nothing_once_it_is_closed()
    {
        using var workspace = new TempWorkspace();
        var factory = new ScopedMeterFactory();
        using var metrics = new AcodeMetrics(factory);
        using var gauges = new GaugeReader(factory);
        Assert.Equal(0, gauges.Count());

        SqliteWorkspaceDatabase database = workspace.Open();
        var store = new SqliteRunStateStore(database, metrics: metrics);
        await store.CreateSessionAsync("one");
        Assert.Equal(3, gauges.Count());
        Assert.Equal(2d, gauges.Read().Depth);

        database.Dispose();

        Assert.Equal(0, gauges.Count());
        Assert.False(File.Exists(workspace.WalPath), "observing a closed database must not open it again");
    }

    private static long Pending(TempWorkspace workspace)
        => SqliteProbe.Count(workspace.DatabasePath, "SELECT count(*) FROM outbox WHERE status = 'Pending'");

    /// <summary>Collects the three outbox gauges of the meters one factory created (other tests' meters are ignored).</summary>
    private sealed class GaugeReader(IMeterFactory factory) : IDisposable
    {
        private readonly MetricCollector<long> _depth = new(factory, AcodeMetrics.MeterName, "acode.outbox.depth");
        private readonly MetricCollector<long> _deadLetters = new(factory, AcodeMetrics.MeterName, "acode.outbox.dead_letters");
        private readonly MetricCollector<double> _age = new(factory, AcodeMetrics.MeterName, "acode.outbox.oldest_pending_age");

        public (double Depth, double DeadLetters, double Age) Read()
        {
            Observe();
            return (_depth.LastMeasurement!.Value, _deadLetters.LastMeasurement!.Value, _age.LastMeasurement!.Value);
        }

        /// <summary>How many of the three gauges reported a value when observed now.</summary>
        public int Count()
        {
            Observe();
            return _depth.GetMeasurementSnapshot().Count + _deadLetters.GetMeasurementSnapshot().Count + _age.GetMeasurementSnapshot().Count;
        }

        public void Dispose()
        {
            _depth.Dispose();
            _deadLetters.Dispose();
            _age.Dispose();
        }

        private void Observe()
        {
            _depth.Clear();
            _deadLetters.Clear();
            _age.Clear();
            _depth.RecordObservableInstruments();
            _deadLetters.RecordObservableInstruments();
            _age.RecordObservableInstruments();
        }
    }

    private sealed class ScopedMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}

using Acode.Application;
using Acode.Application.Options;
using Acode.Infrastructure.Configuration;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Acode.Infrastructure.Tests;

/// <summary>
/// A host given a relative workspace (<c>new Workspace("d2")</c>) reads that workspace's <c>.agent/config.json</c>, not
/// one next to the application: the workspace's root is made a full path once, against the current directory, so the
/// configuration, the database and its files are all looked up in the same folder. These tests change the process's
/// current directory, so they run in the collection that runs alone.
/// </summary>
[Collection(ProcessEnvironmentCollectionDefinition.Name)]
public sealed class RelativeWorkspaceTests : IDisposable
{
    private const string EmployeeIdRule = """{"persistence":{"redaction":{"rules":[{"kind":"employee-id","pattern":"\\bEMP-[0-9]{6}\\b"}]}}}""";

    private readonly string _current = Path.Combine(Path.GetTempPath(), "acode-infrastructure-tests", Guid.NewGuid().ToString("N"));
    private readonly string _previous = Directory.GetCurrentDirectory();

    public RelativeWorkspaceTests()
    {
        // A current directory other than the application's folder (where a relative config.json used to be looked up).
        Directory.CreateDirectory(_current);
        Directory.SetCurrentDirectory(_current);
    }

    [Fact]
    public void A_relative_root_is_made_full_against_the_current_directory()
    {
        var workspace = new Workspace("d2");

        Assert.Equal(Path.Combine(_current, "d2"), workspace.RootDirectory);
        Assert.Equal(Path.Combine(_current, "d2", ".agent", "config.json"), workspace.ConfigPath);
        Assert.Equal(Path.Combine(_current, "d3"), (workspace with { RootDirectory = "d3" }).RootDirectory);
    }

    [Fact]
    public async Task A_host_with_a_relative_workspace_applies_the_redaction_rule_of_its_config_json()
    {
        WriteConfig("d2", EmployeeIdRule);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddAcodePersistence(new Workspace("d2"));
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            IRunStateStore store = host.Services.GetRequiredService<IRunStateStore>();
            Session session = await store.CreateSessionAsync("payroll for EMP-123456");

            string? stored = (await store.GetSessionAsync(session.Id))?.Title;
            Assert.DoesNotContain("EMP-123456", stored, StringComparison.Ordinal);
            Assert.Contains("[REDACTED:employee-id]", stored, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(_current, "d2", ".agent", "workspace.db")));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_host_with_a_relative_workspace_refuses_its_invalid_config_json()
    {
        WriteConfig("d2", """{ "persistence": { "sync": { "batchSize": 0 } } }""");
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddAcodePersistence(new Workspace("d2"));
        using IHost host = builder.Build();

        OptionsValidationException ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith("ACODE-DB-007: Invalid configuration: persistence:sync:batchSize = '0'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_current, "d2", ".agent", "config.json"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configuration_of_a_relative_workspace_is_read_from_it()
    {
        WriteConfig("d2", """{ "persistence": { "sync": { "batchSize": 17 } } }""");

        var options = new PersistenceOptions();
        AcodeConfiguration.Bind(new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddAcodeWorkspaceConfiguration(new Workspace("d2")).Build(), options);

        Assert.Equal(17, options.Sync.BatchSize);
    }

    public void Dispose()
    {
        Directory.SetCurrentDirectory(_previous);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_current, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void WriteConfig(string root, string json)
    {
        string folder = Path.Combine(_current, root, ".agent");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), json);
    }
}

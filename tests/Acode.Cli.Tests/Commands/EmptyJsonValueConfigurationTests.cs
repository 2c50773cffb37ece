using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// An empty JSON object or array in <c>.agent/config.json</c> where a value, a list or a section belongs is refused as a
/// non-empty one is (ACODE-DB-007, exit 17, naming the key and the file), though the JSON configuration provider drops
/// it; an empty section or an empty list sets nothing and is accepted.
/// </summary>
public sealed class EmptyJsonValueConfigurationTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    private string ConfigPath => Path.Combine(_workspace.Root, ".agent", "config.json");

    [Theory]
    [InlineData("""{ "persistence": { "sqlite": { "busyTimeoutSeconds": {} } } }""", "persistence:sqlite:busyTimeoutSeconds", "(an empty JSON object)")]
    [InlineData("""{ "persistence": { "sqlite": { "synchronous": [] } } }""", "persistence:sqlite:synchronous", "(an empty JSON array)")]
    [InlineData("""{ "persistence": { "postgres": { "connectionString": {} } } }""", "persistence:postgres:connectionString", "(an empty JSON object)")]
    [InlineData("""{ "persistence": { "retention": { "states": {} } } }""", "persistence:retention:states", "(an empty JSON object)")]
    [InlineData("""{ "persistence": { "redaction": { "rules": {} } } }""", "persistence:redaction:rules", "(an empty JSON object)")]
    [InlineData("""{ "persistence": { "sqlite": [] } }""", "persistence:sqlite", "(an empty JSON array)")]
    [InlineData("""{ "persistence": [] }""", "persistence", "(an empty JSON array)")]
    [InlineData("""{ "Persistence": { "SQLite": { "BusyTimeoutSeconds": [], }, }, } // any letter case, comments and trailing commas""", "persistence:sqlite:busyTimeoutSeconds", "(an empty JSON array)")]
    public async Task An_empty_object_or_array_where_it_does_not_belong_is_refused_naming_the_key_and_the_file(string json, string key, string shown)
    {
        await WriteConfigAsync(json);

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains($"Error: ACODE-DB-007: Invalid configuration: {key} = '{shown}' (from {ConfigPath}).", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Try: Accepted values for {key}: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Fix it in {ConfigPath}.", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "persistence": {} }""")]
    [InlineData("""{ "persistence": { "sqlite": {}, "sync": {} } }""")]
    [InlineData("""{ "persistence": { "retention": { "states": [] }, "redaction": { "rules": [], "disabledRules": [] } } }""")]
    public async Task An_empty_section_or_list_sets_nothing_and_is_accepted(string json)
    {
        await WriteConfigAsync(json);

        AcodeResult result = await _workspace.RunAsync("db", "migrate");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public void Dispose() => _workspace.Dispose();

    private async Task WriteConfigAsync(string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        await File.WriteAllTextAsync(ConfigPath, json);
    }
}

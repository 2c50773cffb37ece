using Acode.Application.Options;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Issue 10 item 10: every setting, from <c>.agent/config.json</c> and from its <c>ACODE_</c> environment variable, that
/// does not parse is ACODE-DB-007 (exit 17) naming the key path as the README spells it, where it came from, and the
/// accepted values, for every key the declarations hold (so a new setting is covered without a new test).
/// </summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public static TheoryData<string> Keys => new(PersistenceOptionCatalog.All.Select(d => d.Key));

    private string ConfigPath => Path.Combine(_workspace.Root, ".agent", "config.json");

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task A_value_that_does_not_parse_in_the_environment_names_the_key_the_variable_and_the_accepted_values(string key)
    {
        OptionDescriptor option = PersistenceOptionCatalog.Find(key)!;
        // Valid for no setting: an id refuses '!', and a workspace name is at most 200 characters.
        _workspace.Environment[option.EnvironmentVariable] = option.Key == "persistence:sync:workspaceName" ? new string('x', 201) : "abc!";

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.Equal(17, result.ExitCode);
        Assert.Contains($"Error: ACODE-DB-007: Invalid configuration: {key}", result.Stderr, StringComparison.Ordinal);
        if (option.Kind != OptionKind.Text)
        {
            Assert.Contains($"{key} = 'abc!' (from the environment variable {option.EnvironmentVariable})", result.Stderr, StringComparison.Ordinal);
            Assert.Contains($"Accepted values for {key}: {option.AcceptedValues}.", result.Stderr, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("(unreadable)", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task A_value_of_the_wrong_JSON_type_in_the_file_names_the_key_the_file_and_the_accepted_values(string key)
    {
        OptionDescriptor option = PersistenceOptionCatalog.Find(key)!;
        string[] path = key.Split(':');
        // {"persistence": {"sync": {"batchSize": {"a": true}}}}: an object where a value belongs, for every kind.
        await WriteConfigAsync($$"""{ "{{path[0]}}": { "{{path[1]}}": { "{{path[2]}}": { "a": true } } } }""");

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.Equal(17, result.ExitCode);
        Assert.Contains($"Error: ACODE-DB-007: Invalid configuration: {key} = '", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"(from {ConfigPath})", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Accepted values for {key}: {option.AcceptedValues}.", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("persistence:sync:batchSize", "true")]
    [InlineData("persistence:sync:batchSize", "12.5")]
    [InlineData("persistence:sync:batchSize", "\"500 records\"")]
    [InlineData("persistence:sqlite:synchronous", "2")]
    [InlineData("persistence:sqlite:synchronous", "\"sometimes\"")]
    [InlineData("persistence:postgres:poolSize", "99999999999999999999")]
    public async Task A_scalar_of_the_wrong_kind_in_the_file_names_the_key(string key, string json)
    {
        string[] path = key.Split(':');
        await WriteConfigAsync($$"""{ "{{path[0]}}": { "{{path[1]}}": { "{{path[2]}}": {{json}} } } }""");

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.Equal(17, result.ExitCode);
        Assert.Contains($"Error: ACODE-DB-007: Invalid configuration: {key} = '", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Accepted values for {key}: {PersistenceOptionCatalog.Find(key)!.AcceptedValues}.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_file_that_is_not_JSON_names_the_file_the_line_and_the_column()
    {
        await WriteConfigAsync("{\n  \"persistence\": {\n    \"sqlite\": { \"busyTimeoutSeconds\": 5 }\n    \"sync\": { \"batchSize\": 10 }\n  }\n}\n");

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.Equal(17, result.ExitCode);
        Assert.Contains($"Error: ACODE-DB-007: Invalid configuration: {ConfigPath} is not valid JSON: line 4, column 5:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Fix the file", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// JSON that cannot be a configuration (trial X): it was "not valid JSON" in .NET's words ("Top-level JSON element
    /// must be an object", "A duplicate key … was found"), without a line or column.
    /// </summary>
    [Theory]
    [InlineData("[]", "it holds a JSON array where it must hold one JSON object.")]
    [InlineData("\"persistence\"", "it holds a JSON string where it must hold one JSON object.")]
    [InlineData("{\n  \"persistence\": {\n    \"sqlite\": { \"busyTimeoutSeconds\": 5 },\n    \"Sqlite\": { \"busyTimeoutSeconds\": 6 }\n  }\n}\n", "line 4, column 17: the key 'persistence:Sqlite:busyTimeoutSeconds' is given a second time (keys are compared without regard to case; give each once).")]
    [InlineData("{ \"persistence\": { \"retention\": { \"states\": [\"Completed\"] },\n \"retention\": { \"states\": [\"Failed\"] } } }", "line 2, column 28: the key 'persistence:retention:states:0' is given a second time")]
    public async Task A_config_file_that_is_JSON_but_no_configuration_says_why_and_where(string content, string said)
    {
        await WriteConfigAsync(content);

        AcodeResult result = await _workspace.RunAsync("session", "list");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains($"Error: ACODE-DB-007: Invalid configuration: {ConfigPath} cannot be read as the configuration file: {said}", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not valid JSON", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("  \n// settings to come\n", "the file is empty")]
    [InlineData("{ \"persistence\": { \"sqlite\": { \"busyTimeoutSeconds\": 5", "the file ends before its JSON is complete")]
    [InlineData("{ \"persistence\": { \"sqlite\": { \"synchro", "the file ends before its JSON is complete")]
    [InlineData("{ \"persistence\": {}\n", "the file ends before its JSON is complete")]
    public async Task An_empty_or_cut_short_config_file_is_said_in_words_not_in_the_JSON_readers_terms(string content, string said)
    {
        await WriteConfigAsync(content);

        AcodeResult result = await _workspace.RunAsync("session", "list");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains($"Error: ACODE-DB-007: Invalid configuration: {ConfigPath} is not valid JSON: {said}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Fix the file", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("token", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("isFinalBlock", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("depth", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_top_level_section_is_refused_with_the_section_it_probably_meant()
    {
        await WriteConfigAsync("""{ "persistance": { "sqlite": { "busyTimeoutSeconds": 5 } } }""");

        AcodeResult result = await _workspace.RunAsync("session", "list");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains($"Error: ACODE-DB-007: Invalid configuration: 'persistance' at the top of {ConfigPath} is not a section acode knows; did you mean persistence?", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Try: Fix or remove it in {ConfigPath}", result.Stderr, StringComparison.Ordinal);

        await WriteConfigAsync("""{ "$schema": "https://example.com/acode.schema.json", "Persistence": { "sqlite": { "busyTimeoutSeconds": 5 } } }""");
        await _workspace.RunOkAsync("db", "migrate");
        await _workspace.RunOkAsync("session", "list");
    }

    [Fact]
    public async Task A_lease_no_longer_than_the_command_timeout_is_refused_by_every_command_naming_its_variable()
    {
        await _workspace.RunOkAsync("demo");
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__LEASESECONDS"] = "10";

        foreach (string[] command in new[] { new[] { "session", "list" }, ["db", "status"], ["db", "sync"], ["demo"] })
        {
            AcodeResult result = await _workspace.RunAsync(command);

            Assert.True(result.ExitCode == 17, $"acode {string.Join(' ', command)}: {result}");
            Assert.Contains("Invalid configuration: persistence:sync:leaseSeconds = '10' (from the environment variable ACODE_PERSISTENCE__SYNC__LEASESECONDS).", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("greater than persistence:postgres:commandTimeoutSeconds (30)", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("Fix it in the environment variable ACODE_PERSISTENCE__SYNC__LEASESECONDS.", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(".agent/config.json or", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_default_lease_refused_because_of_a_raised_command_timeout_says_it_is_the_default()
    {
        // Trial AM 7: "leaseSeconds = '60'" where only the command timeout was set, without a word about the default.
        await _workspace.RunOkAsync("demo");
        _workspace.Environment["ACODE_PERSISTENCE__POSTGRES__COMMANDTIMEOUTSECONDS"] = "100";

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains("Invalid configuration: persistence:sync:leaseSeconds = '60' (not set in the file or a variable: its default).", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("greater than persistence:postgres:commandTimeoutSeconds (100) and at most 3600 (default 60), or a lower persistence:postgres:commandTimeoutSeconds.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_redaction_rule_names_the_file_it_came_from()
    {
        await WriteConfigAsync("""{ "persistence": { "redaction": { "rules": [ { "kind": "jwt", "pattern": "x" } ] } } }""");

        AcodeResult result = await _workspace.RunAsync("session", "list");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains($"Invalid configuration: persistence:redaction:rules:0:kind = 'jwt' (from {ConfigPath}).", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Fix it in {ConfigPath}.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_escaped_lone_surrogate_in_a_setting_is_refused_naming_the_line_the_column_and_the_key_not_the_value()
    {
        await WriteConfigAsync("{\n  // the team's server\n  \"persistence\": { \"postgres\": { \"connectionString\": \"Host=db;Password=Hunter2\\ud800Secret\" } }\n}\n");

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.Equal(17, result.ExitCode);
        Assert.Contains(
            $"Error: ACODE-DB-007: Invalid configuration: {ConfigPath} is not valid JSON: line 3, column 79, key persistence:postgres:connectionString: the escape \\ud800 stands for half of a character (an unpaired UTF-16 surrogate), which no setting can hold.",
            result.Stderr,
            StringComparison.Ordinal);
        Assert.DoesNotContain("Hunter2", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Cannot read", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_is_refused_with_the_key_it_probably_meant()
    {
        await WriteConfigAsync("""{ "persistence": { "postgres": { "batchSize": 100 } } }""");

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.Equal(17, result.ExitCode);
        Assert.Contains($"Invalid configuration: persistence:postgres:batchSize (from {ConfigPath}) is not a setting acode knows; did you mean persistence:sync:batchSize?", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_in_the_environment_is_refused_naming_the_variable()
    {
        _workspace.Environment["ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUT"] = "5";

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.Equal(17, result.ExitCode);
        Assert.Contains("(from the environment variable ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUT) is not a setting acode knows; did you mean persistence:sqlite:busyTimeoutSeconds?", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_environment_overrides_the_file_and_a_bad_file_value_it_overrides_is_not_an_error()
    {
        await WriteConfigAsync("""{ "persistence": { "sqlite": { "synchronous": "Normal", "busyTimeoutSeconds": "soon" } } }""");
        _workspace.Environment["ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUTSECONDS"] = "7";
        _workspace.Environment["ACODE_PERSISTENCE__SQLITE__SYNCHRONOUS"] = "extra";
        await _workspace.RunOkAsync("db", "migrate");

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public void Dispose() => _workspace.Dispose();

    private async Task WriteConfigAsync(string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        await File.WriteAllTextAsync(ConfigPath, json);
    }
}

using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A bad setting names where its value came from, as every setting's error does: the PostgreSQL connection string from
/// the file or from <c>ACODE_PERSISTENCE__POSTGRES__CONNECTIONSTRING</c> (never its value, which may hold a password), and
/// an item of a list given in indexed variables (<c>…__STATES__5</c>) the variable of that item.
/// </summary>
public sealed class ConfigurationSourceNamingTests : IDisposable
{
    private const string Variable = "ACODE_PERSISTENCE__POSTGRES__CONNECTIONSTRING";
    private const string Secret = "hunter2-secret";

    private readonly CliWorkspace _workspace = new();

    private string ConfigPath => Path.Combine(_workspace.Root, ".agent", "config.json");

    [Fact]
    public async Task A_bad_connection_string_in_its_configuration_variable_names_that_variable_not_the_file_or_ACODE_POSTGRES_URL()
    {
        _workspace.Environment[Variable] = $"garbage {Secret}";

        AcodeResult result = await _workspace.RunAsync("db", "sync");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains($"Error: ACODE-DB-007: Invalid configuration: persistence:postgres:connectionString (from the environment variable {Variable}) is not a usable PostgreSQL connection string:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Fix it in the environment variable {Variable}.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(".agent/config.json or", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_connection_string_in_the_file_names_the_file()
    {
        await WriteConfigAsync($$"""{ "persistence": { "postgres": { "connectionString": "garbage {{Secret}}" } } }""");

        AcodeResult result = await _workspace.RunAsync("db", "sync");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains($"Invalid configuration: persistence:postgres:connectionString (from {ConfigPath}) is not a usable PostgreSQL connection string:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Fix it in {ConfigPath}.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_connection_string_in_the_file_that_its_variable_replaces_is_not_an_error()
    {
        await WriteConfigAsync("""{ "persistence": { "postgres": { "connectionString": "garbage" } } }""");
        _workspace.Environment[Variable] = "postgresql://acode@127.0.0.1:1/acode";

        // The variable's server is checked (and not reachable: exit 16), not the file's value it replaces.
        AcodeResult result = await _workspace.RunAsync("db", "migrate");

        Assert.True(result.ExitCode == 16, result.ToString());
        Assert.DoesNotContain("Invalid configuration", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_ACODE_POSTGRES_URL_is_to_be_fixed_in_that_variable()
    {
        _workspace.Environment["ACODE_POSTGRES_URL"] = $"garbage {Secret}";

        AcodeResult result = await _workspace.RunAsync("db", "sync");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains("Invalid configuration: ACODE_POSTGRES_URL is not a usable PostgreSQL connection string:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Fix it in the environment variable ACODE_POSTGRES_URL.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "trialAU.9")]
    public async Task A_connection_string_put_into_another_setting_is_quoted_without_its_password()
    {
        _workspace.Environment["ACODE_PERSISTENCE__POSTGRES__POOLSIZE"] = "postgresql://app:Zq8Kx1Lm2Np3Rs@db.internal:5432/acode";

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains("Invalid configuration: persistence:postgres:poolSize = 'postgresql://app:[REDACTED:url-password]@db.internal:5432/acode' (from the environment variable ACODE_PERSISTENCE__POSTGRES__POOLSIZE).", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Zq8Kx1Lm2Np3Rs", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_item_of_a_list_in_indexed_variables_names_the_variable_that_holds_it()
    {
        _workspace.Environment["ACODE_PERSISTENCE__RETENTION__STATES__0"] = "Completed";
        _workspace.Environment["ACODE_PERSISTENCE__RETENTION__STATES__5"] = "Bogus";

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains("Invalid configuration: persistence:retention:states = 'Completed,Bogus' (from the environment variable ACODE_PERSISTENCE__RETENTION__STATES__5).", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Fix it in the environment variable ACODE_PERSISTENCE__RETENTION__STATES__5.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("STATES__0", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ACODE_PERSISTENCE__RETENTION__STATES__0", "Cancelled", "in state Cancelled.")] // trial AM 3: it was "Cancelled, Failed"
    [InlineData("ACODE_PERSISTENCE__RETENTION__STATES", "Cancelled", "in state Cancelled.")]
    [InlineData("ACODE_PERSISTENCE__RETENTION__STATES", "", "in state Completed, Failed.")] // trial AM 4: an empty value took the filter off
    [InlineData("ACODE_PERSISTENCE__RETENTION__STATES", "[]", "in state Completed, Failed.")]
    [InlineData("ACODE_PERSISTENCE__RETENTION__STATES__0", "", "in state Completed, Failed.")] // trial AN 3: every state
    [InlineData("ACODE_PERSISTENCE__RETENTION__STATES", ",", "in state Completed, Failed.")]
    public async Task A_list_in_a_variable_replaces_the_files_list_and_an_empty_one_leaves_it(string variable, string value, string expected)
    {
        await WriteConfigAsync("""{ "persistence": { "retention": { "olderThanDays": 1, "states": [ "Completed", "Failed" ] } } }""");
        await _workspace.RunOkAsync("demo");
        _workspace.Environment[variable] = value;

        AcodeResult result = await _workspace.RunOkAsync("db", "prune", "--dry-run");

        Assert.Contains(expected, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_given_whole_and_item_by_item_in_variables_is_refused_naming_both()
    {
        _workspace.Environment["ACODE_PERSISTENCE__RETENTION__STATES"] = "Failed";
        _workspace.Environment["ACODE_PERSISTENCE__RETENTION__STATES__0"] = "Completed";

        AcodeResult result = await _workspace.RunAsync("db", "status");

        // It kept one of the two without a word (trial AM 3).
        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains("ACODE_PERSISTENCE__RETENTION__STATES gives it whole and also item by item (the environment variable ACODE_PERSISTENCE__RETENTION__STATES__0)", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ACODE_PERSISTANCE__SQLITE__BUSYTIMEOUTSECONDS", "ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUTSECONDS")]
    [InlineData("ACODE_PERSISTENCE_SQLITE__BUSYTIMEOUTSECONDS", "ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUTSECONDS")]
    [InlineData("ACODE_PERSISTENCE_SQLITE_BUSYTIMEOUTSECONDS", "ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUTSECONDS")] // trial AN 5: it suggested ACODE_PERSISTENCE__SQLITE_BUSYTIMEOUTSECONDS
    public async Task A_variable_whose_section_is_misspelt_is_refused_with_the_name_it_meant(string variable, string meant)
    {
        // Trial AM 5: it set nothing and the command went on, where the same typo in the file is refused.
        _workspace.Environment[variable] = "5";

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains($"the environment variable {variable} names no setting acode knows; did you mean {meant}?", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ACODE_variable_that_is_no_setting_is_left_alone()
    {
        _workspace.Environment["ACODE_SOMETHING_ELSE"] = "1";
        _workspace.Environment["ACODE_PERSIST"] = "1";
        _workspace.Environment["ACODE_PERSISTENCE_DIR"] = "/tmp"; // trial AN 5: refused, as if meant for a setting

        await _workspace.RunOkAsync("demo");
    }

    [Fact]
    public async Task A_misspelt_key_of_a_redaction_rule_is_named_with_the_key_it_meant()
    {
        // Trial AM 6: the whole list was said to be "(a JSON object or array)", with neither the key nor the item named.
        await WriteConfigAsync("""{ "persistence": { "redaction": { "rules": [ { "kind": "emp", "pattern": "EMP" }, { "kind": "emp2", "patern": "EMP2" } ] } } }""");

        AcodeResult result = await _workspace.RunAsync("demo");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains($"persistence:redaction:rules:1:patern (from {ConfigPath}) is not a setting acode knows; did you mean persistence:redaction:rules:1:pattern?", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")] // trial AN 4: it named ACODE_PERSISTENCE__REDACTION__RULES__0__PATTERN, which was not set
    [InlineData("5")] // the list's second item: it named rules:1, the file's
    public async Task A_bad_redaction_rule_in_indexed_variables_names_the_variable_that_holds_it(string index)
    {
        await WriteConfigAsync("""{ "persistence": { "redaction": { "rules": [ { "kind": "file-one", "pattern": "ONE[0-9]+" }, { "kind": "file-two", "pattern": "TWO[0-9]+" } ] } } }""");
        _workspace.Environment["ACODE_PERSISTENCE__REDACTION__RULES__3__KIND"] = "env-good";
        _workspace.Environment["ACODE_PERSISTENCE__REDACTION__RULES__3__PATTERN"] = "GOOD[0-9]+";
        _workspace.Environment[$"ACODE_PERSISTENCE__REDACTION__RULES__{index}__KIND"] = "env-bad";
        _workspace.Environment[$"ACODE_PERSISTENCE__REDACTION__RULES__{index}__PATTERN"] = "(";

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains($"Invalid configuration: persistence:redaction:rules:{index}:pattern = '(' (from the environment variable ACODE_PERSISTENCE__REDACTION__RULES__{index}__PATTERN).", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Fix it in the environment variable ACODE_PERSISTENCE__REDACTION__RULES__{index}__PATTERN.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(ConfigPath, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_redaction_rule_in_the_file_is_named_by_its_place_in_the_files_array()
    {
        await WriteConfigAsync("""{ "persistence": { "redaction": { "rules": [ { "kind": "file-one", "pattern": "ONE[0-9]+" }, { "kind": "file-two", "pattern": "(" } ] } } }""");

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains($"Invalid configuration: persistence:redaction:rules:1:pattern = '(' (from {ConfigPath}).", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private async Task WriteConfigAsync(string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        await File.WriteAllTextAsync(ConfigPath, json);
    }
}

using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;

namespace Acode.Infrastructure.Tests.Options;

/// <summary>
/// Issue 10 item 10: each setting is declared once (<see cref="PersistenceOptionCatalog"/>); its parsing, range check,
/// error text and README row all follow from that declaration, for every key.
/// </summary>
public sealed class OptionDeclarationTests
{
    private const string BeginMarker = "<!-- settings table: generated from PersistenceOptionCatalog.MarkdownTable(); OptionDeclarationTests checks it -->";
    private const string EndMarker = "<!-- end of settings table -->";

    public static TheoryData<string> Keys => new(PersistenceOptionCatalog.All.Select(d => d.Key));

    public static TheoryData<string> IntegerKeys => new(PersistenceOptionCatalog.All.Where(d => d.Kind == OptionKind.WholeNumber).Select(d => d.Key));

    [Fact]
    public void The_README_configuration_table_is_the_one_the_declarations_generate()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        int begin = readme.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = readme.IndexOf(EndMarker, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md must hold the settings table between\n{BeginMarker}\nand\n{EndMarker}");

        string table = readme[(begin + BeginMarker.Length)..end].Trim('\n') + "\n";

        string expected = PersistenceOptionCatalog.MarkdownTable();
        Assert.True(expected == table, $"README.md's settings table differs from the declarations; replace it with:\n{expected}");
    }

    [Fact]
    public void Every_key_path_is_unique_and_its_environment_variable_follows_the_ACODE_rule()
    {
        Assert.Equal(PersistenceOptionCatalog.All.Count, PersistenceOptionCatalog.All.Select(d => d.Key.ToUpperInvariant()).Distinct().Count());
        Assert.Equal("ACODE_PERSISTENCE__SYNC__BATCHSIZE", PersistenceOptionCatalog.Find("persistence:sync:batchSize")!.EnvironmentVariable);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void The_default_of_every_setting_is_what_a_new_options_object_holds_and_is_accepted(string key)
    {
        OptionDescriptor option = PersistenceOptionCatalog.Find(key)!;
        var options = new PersistenceOptions { Postgres = new PostgresOptions() };
        object? section = options.SectionOf(option.Section);
        object? value = section!.GetType().GetProperties().Single(p => string.Equals(p.Name, option.Name, StringComparison.OrdinalIgnoreCase)).GetValue(section);

        string shown = value switch
        {
            null => "none",
            bool flag => flag ? "true" : "false",
            IEnumerable<string> list => list.Any() ? string.Join(",", list) : "none",
            System.Collections.IEnumerable items => items.Cast<object>().Any() ? "(items)" : "none",
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        };
        Assert.Equal(option.DefaultText, shown);
        options.Validate();
    }

    [Theory]
    [MemberData(nameof(IntegerKeys))]
    public void Every_whole_number_setting_accepts_its_bounds_and_refuses_one_beyond_them_from_configuration_and_in_code(string key)
    {
        OptionDescriptor option = PersistenceOptionCatalog.Find(key)!;
        string accepted = $"from {option.Minimum} to {option.Maximum}";

        foreach (long ok in new[] { option.Minimum, option.Maximum })
        {
            Assert.Equal(ok, option.Parse(ok.ToString(System.Globalization.CultureInfo.InvariantCulture), "test"));
        }

        foreach (long bad in new[] { option.Minimum - 1, option.Maximum + 1 })
        {
            string text = bad.ToString(System.Globalization.CultureInfo.InvariantCulture);
            AcodeDbException fromConfiguration = Assert.Throws<AcodeDbException>(() => Bind(new() { [key] = text }));
            Assert.Equal($"Invalid configuration: {key} = '{text}' (from MemoryConfigurationProvider).", fromConfiguration.Message);
            Assert.Contains(accepted, fromConfiguration.Hint, StringComparison.Ordinal);

            var options = new PersistenceOptions { Postgres = new PostgresOptions() };
            object section = options.SectionOf(option.Section)!;
            section.GetType().GetProperties().Single(p => string.Equals(p.Name, option.Name, StringComparison.OrdinalIgnoreCase)).SetValue(section, checked((int)bad));
            AcodeDbException inCode = Assert.Throws<AcodeDbException>(options.Validate);
            Assert.Equal($"Invalid configuration: {key} = '{text}'.", inCode.Message);
            Assert.Contains(accepted, inCode.Hint, StringComparison.Ordinal);
            Assert.Contains(option.EnvironmentVariable, inCode.Hint, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Every_setting_refuses_text_of_the_wrong_kind_naming_the_key(string key)
    {
        OptionDescriptor option = PersistenceOptionCatalog.Find(key)!;
        if (option.Kind == OptionKind.Text)
        {
            return; // any text is a string; the connection string is parsed by PostgresConnectionSettings
        }

        foreach (string text in new[] { "abc", "1.5", "0x10", "1e3", "[1]" })
        {
            AcodeDbException ex = Assert.Throws<AcodeDbException>(() => Bind(new() { [key] = text }));
            Assert.Equal(AcodeErrorCode.InvalidConfiguration, ex.ErrorCode);
            Assert.StartsWith($"Invalid configuration: {key} = '{text}'", ex.Message, StringComparison.Ordinal);
            Assert.Contains($"Accepted values for {key}: {option.AcceptedValues}.", ex.Hint, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Empty_values_keep_the_defaults_and_choices_ignore_letter_case()
    {
        PersistenceOptions options = Bind(new() { ["persistence:sync:batchSize"] = "", ["persistence:sqlite:synchronous"] = "nOrMaL" });

        Assert.Equal(SyncOptionsDefaults.BatchSize, options.Sync.BatchSize);
        Assert.Equal(SqliteSynchronous.Normal, options.Sqlite.Synchronous);
        Assert.Null(options.Postgres);
    }

    [Fact]
    public void A_connection_string_of_the_wrong_kind_is_never_shown()
    {
        AcodeDbException ex = Assert.Throws<AcodeDbException>(() => Bind(new() { ["persistence:postgres:connectionString:password"] = "Zq9xKv-Wm4tR" }));

        Assert.Equal("Invalid configuration: persistence:postgres:connectionString = '(not shown: it may contain a password)' (from MemoryConfigurationProvider).", ex.Message);
        Assert.DoesNotContain("Zq9xKv-Wm4tR", ex.ToString(), StringComparison.Ordinal);
    }

    private static PersistenceOptions Bind(Dictionary<string, string?> values)
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return AcodeConfiguration.Load(configuration).Options;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Acode.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Acode.sln not found above " + AppContext.BaseDirectory);
    }

    private static class SyncOptionsDefaults
    {
        public const int BatchSize = Application.Sync.SyncOptions.DefaultBatchSize;
    }
}

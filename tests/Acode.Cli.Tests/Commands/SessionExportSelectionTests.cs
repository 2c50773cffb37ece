using System.Text.Json;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary><c>session export</c> of several sessions, of all, of a filter; <c>--force</c>.</summary>
public sealed class SessionExportSelectionTests : IDisposable
{
    private readonly CliWorkspace _source = new();
    private readonly CliWorkspace _target = new();

    [Fact]
    public async Task Export_all_then_import_into_a_fresh_workspace_gives_identical_exports()
    {
        await _source.RunOkAsync("demo", "--sessions", "3");
        string file = Path.Combine(_source.Root, "all.jsonl");

        AcodeResult exported = await _source.RunOkAsync("session", "export", "--all", "-o", file);
        AcodeResult imported = await _target.RunOkAsync("session", "import", file);

        Assert.Contains($"Exported 3 sessions to {file}.", exported.Stderr);
        Assert.Contains("Imported 3 session(s)", imported.Stdout);
        Assert.Equal(SessionLines(await File.ReadAllTextAsync(file)).Order(), (await _source.SessionIdsAsync()).Order());
        Assert.Equal((await _source.RunOkAsync("session", "export", "--all")).Stdout, (await _target.RunOkAsync("session", "export", "--all")).Stdout);
        Assert.Equal(await File.ReadAllTextAsync(file), (await _target.RunOkAsync("session", "export", "--all")).Stdout);
    }

    [Fact]
    public async Task An_export_concatenated_with_itself_counts_each_session_once()
    {
        await _source.RunOkAsync("demo", "--sessions", "2");
        string export = (await _source.RunOkAsync("session", "export", "--all")).Stdout;
        string file = Path.Combine(_target.Root, "twice.jsonl");
        await File.WriteAllTextAsync(file, export + export);

        AcodeResult imported = await _target.RunOkAsync("session", "import", file);

        Assert.Contains("Imported 2 session(s):", imported.Stdout);
        Assert.Equal((await _source.SessionIdsAsync()).Order(), (await _target.SessionIdsAsync()).Order());
        Assert.Equal(export, (await _target.RunOkAsync("session", "export", "--all")).Stdout);
    }

    [Fact]
    public async Task Export_of_several_ids_and_prefixes_writes_each_session_once_in_the_order_given()
    {
        await _source.RunOkAsync("demo", "--sessions", "3");
        IReadOnlyList<string> ids = await _source.SessionIdsAsync();
        string prefixOfFirst = UniquePrefix(ids[0], ids);

        AcodeResult result = await _source.RunOkAsync("session", "export", ids[2], prefixOfFirst, ids[0]);

        Assert.Equal([ids[2], ids[0]], SessionLines(result.Stdout));
        string file = Path.Combine(_target.Root, "two.jsonl");
        await File.WriteAllTextAsync(file, result.Stdout);
        await _target.RunOkAsync("session", "import", file);
        Assert.Equal(2, (await _target.SessionIdsAsync()).Count);
        Assert.Equal((await _source.RunOkAsync("session", "show", ids[2], "--json")).Stdout, (await _target.RunOkAsync("session", "show", ids[2], "--json")).Stdout);
    }

    [Fact]
    public async Task Export_of_a_filter_writes_the_sessions_session_list_shows_for_it()
    {
        await _source.RunOkAsync("demo", "--sessions", "4");
        IReadOnlyList<string> failed = await _source.SessionIdsAsync("--state", "Failed");
        IReadOnlyList<string> titled = await _source.SessionIdsAsync("--title", "run 2");
        Assert.NotEmpty(failed);
        Assert.True(failed.Count < 4, "the demo should record sessions in more than one state");

        AcodeResult byState = await _source.RunOkAsync("session", "export", "--state", "Failed", "--since", "1d");
        AcodeResult byTitle = await _source.RunOkAsync("session", "export", "--all", "--title", "run 2");

        Assert.Equal(failed.Order(), SessionLines(byState.Stdout).Order());
        Assert.Equal(titled.Order(), SessionLines(byTitle.Stdout).Order());
    }

    [Fact]
    public async Task Export_refuses_an_existing_file_without_force_and_replaces_it_whole_with_force()
    {
        await _source.RunOkAsync("demo", "--sessions", "2");
        IReadOnlyList<string> ids = await _source.SessionIdsAsync();
        string file = Path.Combine(_source.Root, "export.jsonl");
        await File.WriteAllTextAsync(file, "an older, longer file that must not leave a tail behind\n" + new string('x', 100_000));
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        string before = await File.ReadAllTextAsync(file);

        AcodeResult refused = await _source.RunAsync("session", "export", ids[0], "-o", file);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("already exists; it was left as it is", refused.Stderr);
        Assert.Contains("Try: Add --force to overwrite it", refused.Stderr);
        Assert.Equal(before, await File.ReadAllTextAsync(file));

        await _source.RunOkAsync("session", "export", ids[0], "-o", file, "--force");

        Assert.Equal((await _source.RunOkAsync("session", "export", ids[0])).Stdout, await File.ReadAllTextAsync(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(file)); // the replaced file's permissions
        Assert.Equal(["export.jsonl"], Directory.GetFiles(_source.Root).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Export_says_what_is_missing_when_no_session_is_chosen_or_both_ways_are_mixed()
    {
        await _source.RunOkAsync("demo");
        string id = (await _source.SessionIdsAsync()).Single();

        AcodeResult none = await _source.RunAsync("session", "export");
        AcodeResult mixed = await _source.RunAsync("session", "export", id, "--all");

        Assert.Equal(2, none.ExitCode);
        Assert.Contains("Error: Say which sessions to export.", none.Stderr);
        Assert.Contains("Try: acode session export <id>…", none.Stderr);
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("not both", mixed.Stderr);
    }

    [Fact]
    public async Task Export_of_a_filter_that_matches_nothing_exits_1_and_writes_no_file()
    {
        await _source.RunOkAsync("demo");
        string file = Path.Combine(_source.Root, "none.jsonl");

        AcodeResult result = await _source.RunAsync("session", "export", "--title", "no such title", "-o", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("No session matches the filter; nothing was written.", result.Stderr);
        Assert.False(File.Exists(file));
        Assert.Empty(Directory.GetFiles(_source.Root));
    }

    /// <summary>The session ids of an export's session lines, in file order.</summary>
    private static List<string> SessionLines(string export)
        => export.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.GetProperty("entity").GetString() == "Session")
            .Select(e => e.GetProperty("id").GetString()!)
            .ToList();

    private static string UniquePrefix(string id, IReadOnlyList<string> all)
    {
        for (int length = "sess_".Length + 4; length < id.Length; length++)
        {
            string prefix = id[..length];
            if (all.Count(other => other.StartsWith(prefix, StringComparison.Ordinal)) == 1)
            {
                return prefix;
            }
        }

        return id;
    }

    public void Dispose()
    {
        _source.Dispose();
        _target.Dispose();
    }
}

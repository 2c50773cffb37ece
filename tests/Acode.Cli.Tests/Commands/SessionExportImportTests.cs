using System.Text.Json;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

public sealed class SessionExportImportTests : IDisposable
{
    private readonly CliWorkspace _source = new();
    private readonly CliWorkspace _target = new();

    [Fact]
    public async Task Export_then_import_into_a_fresh_workspace_gives_identical_show_output()
    {
        await _source.RunOkAsync("demo", "--sessions", "2");
        string file = Path.Combine(_source.Root, "export.jsonl");
        string id = (await _source.SessionIdsAsync())[0];
        await _source.RunOkAsync("session", "export", id, "-o", file);

        AcodeResult imported = await _target.RunOkAsync("session", "import", file);

        Assert.Matches($@"{id}: \d+ new, 0 updated, 0 unchanged", imported.Stdout);
        Assert.Equal((await _source.RunOkAsync("session", "show", id)).Stdout, (await _target.RunOkAsync("session", "show", id)).Stdout);
        Assert.Equal((await _source.RunOkAsync("session", "show", id, "--json")).Stdout, (await _target.RunOkAsync("session", "show", id, "--json")).Stdout);
    }

    [Fact]
    public async Task Importing_the_same_file_twice_does_not_duplicate_anything()
    {
        await _source.RunOkAsync("demo");
        string id = (await _source.SessionIdsAsync()).Single();
        string file = Path.Combine(_source.Root, "export.jsonl");
        await File.WriteAllTextAsync(file, (await _source.RunOkAsync("session", "export", id)).Stdout);

        await _target.RunOkAsync("session", "import", file);
        JsonElement before = await _target.JsonAsync("db", "status");
        AcodeResult again = await _target.RunOkAsync("session", "import", file);
        JsonElement after = await _target.JsonAsync("db", "status");

        Assert.Contains("0 new, 0 updated, 24 unchanged", again.Stdout);
        Assert.Equal(before.GetProperty("rows").ToString(), after.GetProperty("rows").ToString());
        Assert.Equal(1, after.GetProperty("rows").GetProperty("sessions").GetInt64());
    }

    [Fact]
    public async Task An_export_edited_without_raising_its_version_changes_nothing_and_says_how_to_change_a_row()
    {
        await _source.RunOkAsync("demo");
        string id = (await _source.SessionIdsAsync()).Single();
        string file = Path.Combine(_source.Root, "export.jsonl");
        string[] lines = (await _source.RunOkAsync("session", "export", id)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        System.Text.Json.Nodes.JsonNode session = System.Text.Json.Nodes.JsonNode.Parse(lines[0])!;
        string title = session["title"]!.GetValue<string>();
        session["title"] = "edited by hand";
        lines[0] = session.ToJsonString();
        await File.WriteAllLinesAsync(file, lines);

        AcodeResult imported = await _source.RunAsync("session", "import", file);

        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Contains("0 new, 0 updated, 24 unchanged", imported.Stdout, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed: this workspace holds every row of the file at the same or a newer version", imported.Stderr, StringComparison.Ordinal);
        Assert.Contains("raise its \"version\"", imported.Stderr, StringComparison.Ordinal);
        string shown = (await _source.RunOkAsync("session", "show", id)).Stdout;
        Assert.Contains(title, shown, StringComparison.Ordinal);
        Assert.DoesNotContain("edited by hand", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_to_a_file_is_owner_only_and_never_overwrites()
    {
        await _source.RunOkAsync("demo");
        string id = (await _source.SessionIdsAsync()).Single();
        string file = Path.Combine(_source.Root, "export.jsonl");
        await _source.RunOkAsync("session", "export", id, "-o", file);
        byte[] exported = await File.ReadAllBytesAsync(file);

        AcodeResult second = await _source.RunAsync("session", "export", id, "-o", file);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(2, second.ExitCode);
        Assert.Contains("already exists", second.Stderr);
        Assert.Equal(exported, await File.ReadAllBytesAsync(file));
    }

    [Fact]
    public async Task Import_of_a_file_that_is_not_an_export_fails_clearly_and_stores_nothing()
    {
        string file = Path.Combine(_target.Root, "bad.jsonl");
        await File.WriteAllTextAsync(file, "{\"hello\":\"world\"}\n");

        AcodeResult result = await _target.RunAsync("session", "import", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a valid acode export: Line 1:", result.Stderr);
        await _target.AssertNoSessionStoredAsync();
    }

    [Fact]
    public async Task Import_of_a_number_PostgreSQL_cannot_store_is_refused_naming_the_line_and_stores_nothing()
    {
        await _source.RunOkAsync("demo");
        string id = (await _source.SessionIdsAsync()).Single();
        string file = Path.Combine(_source.Root, "export.jsonl");
        await _source.RunOkAsync("session", "export", id, "-o", file);
        string export = await File.ReadAllTextAsync(file);
        string edited = System.Text.RegularExpressions.Regex.Replace(export, "\"arguments\":\"(?:[^\"\\\\]|\\\\.)*\"", "\"arguments\":\"{\\\"n\\\":1e1000000}\"");
        Assert.NotEqual(export, edited);
        string bad = Path.Combine(_target.Root, "numbers.jsonl");
        await File.WriteAllTextAsync(bad, edited);

        AcodeResult result = await _target.RunAsync("session", "import", bad);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a valid acode export: Line ", result.Stderr);
        Assert.Contains("arguments holds the number 1e1000000, which PostgreSQL cannot store", result.Stderr);
        await _target.AssertNoSessionStoredAsync();
    }

    [Theory]
    [InlineData("\"durationTicks\":", "\"durationTicks\":1e1000000", "the value of \"durationTicks\" is not of the kind acode writes there")]
    [InlineData("\"version\":", "\"version\":-5", "version -5 is not positive: an entity's first saved version is 1.")]
    [InlineData("\"entity\":\"Session\"", "\"entity\":\"session\"", "\"entity\" must come first and be one of Session, SessionTask, Step, ToolCall, Artifact, SessionEvent")]
    public async Task Import_of_an_edited_export_says_what_is_wrong_in_words_without_dotnet_text(string field, string replacement, string error)
    {
        await _source.RunOkAsync("demo");
        string id = (await _source.SessionIdsAsync()).Single();
        string file = Path.Combine(_source.Root, "export.jsonl");
        await _source.RunOkAsync("session", "export", id, "-o", file);
        string export = await File.ReadAllTextAsync(file);
        string pattern = System.Text.RegularExpressions.Regex.Escape(field) + (field.EndsWith(':') ? "-?[0-9]+" : string.Empty);
        string edited = new System.Text.RegularExpressions.Regex(pattern).Replace(export, replacement, 1);
        Assert.NotEqual(export, edited);
        string bad = Path.Combine(_target.Root, "edited.jsonl");
        await File.WriteAllTextAsync(bad, edited);

        AcodeResult result = await _target.RunAsync("session", "import", bad);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(error, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Acode.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Actual value was", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber: 0", result.Stderr, StringComparison.Ordinal);
        await _target.AssertNoSessionStoredAsync();
    }

    [Fact]
    public async Task Import_of_a_folder_says_it_is_a_folder()
    {
        AcodeResult result = await _target.RunAsync("session", "import", _target.Root);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is a folder, not an export file.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("denied", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// An export cut off at a line break (a copy cut short, <c>head</c>) is valid JSON line by line: each session line says
    /// how many lines the session has, so the cut session is refused, not imported as part of itself.
    /// </summary>
    [Fact]
    public async Task An_export_cut_at_a_line_break_is_refused_for_the_cut_session_and_keeps_the_sessions_before_it()
    {
        await _source.RunOkAsync("demo", "--sessions", "2");
        string[] lines = (await _source.RunOkAsync("session", "export", "--all")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int size = (int)JsonDocument.Parse(lines[0]).RootElement.GetProperty("exportLines").GetInt64();
        Assert.Equal(lines.Length, size + JsonDocument.Parse(lines[size]).RootElement.GetProperty("exportLines").GetInt64());
        string first = JsonDocument.Parse(lines[0]).RootElement.GetProperty("id").GetString()!;
        string second = JsonDocument.Parse(lines[size]).RootElement.GetProperty("id").GetString()!;
        Assert.DoesNotContain("exportLines", (await _source.RunOkAsync("session", "show", first, "--json")).Stdout, StringComparison.Ordinal);

        // Cut inside the second session: the first is imported, the second refused with nothing of it stored.
        string atEnd = Path.Combine(_target.Root, "cut.jsonl");
        await File.WriteAllLinesAsync(atEnd, lines[..(size + 6)]);
        AcodeResult cut = await _target.RunAsync("session", "import", atEnd);

        Assert.True(cut.ExitCode == 2, cut.ToString());
        Assert.Contains($"Line {size + 6}: the file ends, and session {second} with it, after 6 of the {lines.Length - size} lines its first line announces (\"exportLines\"): the export was cut off", cut.Stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing from the failing session was stored (1 earlier session(s) were imported).", cut.Stderr, StringComparison.Ordinal);
        Assert.Equal([first], await _target.SessionIdsAsync());

        // Cut inside the first session, then the second whole (two files joined): the first is refused where the second starts.
        string joined = Path.Combine(_target.Root, "joined.jsonl");
        await File.WriteAllLinesAsync(joined, [.. lines[..10], .. lines[size..]]);
        AcodeResult refused = await _target.RunAsync("session", "import", joined);

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains($"Line 11: session {first} ends before this line after 10 of the {size} lines", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal([first], await _target.SessionIdsAsync());

        // The whole file imports; lines removed on purpose import once "exportLines" is taken out, as the message says.
        string whole = Path.Combine(_target.Root, "whole.jsonl");
        await File.WriteAllLinesAsync(whole, lines);
        Assert.Contains("Imported 2 session(s)", (await _target.RunOkAsync("session", "import", whole)).Stdout, StringComparison.Ordinal);
        System.Text.Json.Nodes.JsonNode session = System.Text.Json.Nodes.JsonNode.Parse(lines[0])!;
        Assert.True(session.AsObject().Remove("exportLines"));
        string trimmed = Path.Combine(_target.Root, "trimmed.jsonl");
        await File.WriteAllLinesAsync(trimmed, [session.ToJsonString(), .. lines[1..10]]);
        await _target.RunOkAsync("session", "import", trimmed);
    }

    public void Dispose()
    {
        _source.Dispose();
        _target.Dispose();
    }
}

using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

public sealed class SessionShowEventsTests : IDisposable
{
    private readonly CliWorkspace _source = new();
    private readonly CliWorkspace _target = new();

    [Fact]
    public async Task Show_events_prints_the_event_log_with_sequence_utc_time_type_and_payload()
    {
        await _source.RunOkAsync("demo");
        string id = (await _source.SessionIdsAsync()).Single();

        AcodeResult plain = await _source.RunOkAsync("session", "show", id);
        AcodeResult result = await _source.RunOkAsync("session", "show", id, "--events");

        Assert.DoesNotContain("Event log", plain.Stdout);
        Assert.Contains("Event log (8)", result.Stdout);
        Assert.Matches(new Regex(@"^1  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z  session\.created  \{""title"":", RegexOptions.Multiline), result.Stdout);
        Assert.Matches(new Regex(@"^5  \S+Z  user\.approved  \{""by"":""developer""\}$", RegexOptions.Multiline), result.Stdout);
        Assert.Matches(new Regex(@"^8  \S+Z  session\.state_changed  ", RegexOptions.Multiline), result.Stdout);
        Assert.Equal(8, Regex.Count(result.Stdout, @"^\d  \S+Z  ", RegexOptions.Multiline));
    }

    [Fact]
    public async Task Show_counts_the_events_of_an_imported_transcript_whose_sub_agent_events_are_numbered_apart()
    {
        string transcript = Import.TranscriptFixtures.CopyClaude(Path.Combine(_source.Root, "transcripts"));
        await _source.RunOkAsync("import", "claude-code", transcript);
        string id = (await _source.SessionIdsAsync()).Single();
        string export = (await _source.RunOkAsync("session", "export", id)).Stdout;
        int events = Regex.Count(export, "^\\{\"entity\":\"SessionEvent\"", RegexOptions.Multiline);
        long lastSequence = Regex.Matches(export, "\"sequence\":(\\d+)").Max(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(lastSequence > events, $"the fixture's sub-agent events are numbered apart ({lastSequence} > {events})");

        AcodeResult show = await _source.RunOkAsync("session", "show", id, "--events");

        Assert.Matches(new Regex($@"Events {events} \(last: [a-z_.]+\)"), show.Stdout);
        Assert.Contains($"Event log ({events})", show.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(lastSequence.ToString(System.Globalization.CultureInfo.InvariantCulture) + " (last:", show.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_full_prints_tool_call_results_whole_with_their_lines_which_the_tree_otherwise_shortens()
    {
        await _source.RunOkAsync("demo");
        string id = (await _source.SessionIdsAsync()).Single();

        AcodeResult shortened = await _source.RunOkAsync("session", "show", id);
        AcodeResult full = await _source.RunOkAsync("session", "show", id, "--full");

        // The end of the first run_tests result (over 100 characters, several lines).
        Assert.DoesNotContain("Failed: 1, Passed: 41", shortened.Stdout);
        Assert.Contains("Failed: 1, Passed: 41, Skipped: 0, Total: 42", full.Stdout);
        Assert.Matches(new Regex(@"^.*│\s+at DateParser\.ParseDate\(String text\) in src/DateParser\.cs:line 2\s*$", RegexOptions.Multiline), full.Stdout);
    }

    [Fact]
    public async Task Show_events_prints_escaped_characters_of_a_payload_as_themselves_and_control_characters_escaped()
    {
        await _source.RunOkAsync("demo");
        string id = (await _source.SessionIdsAsync()).Single();
        string export = (await _source.RunOkAsync("session", "export", id)).Stdout;
        string edited = export.Replace("Patch applied on second attempt with fuzz.", """caf\\u00E9 \\uD83D\\uDE80 \\u001B[31m""", StringComparison.Ordinal);
        Assert.NotEqual(export, edited);
        string file = Path.Combine(_target.Root, "escaped.jsonl");
        await File.WriteAllTextAsync(file, edited);
        await _target.RunOkAsync("session", "import", file);
        _target.Environment["COLUMNS"] = "1000";

        AcodeResult result = await _target.RunOkAsync("session", "show", id, "--events");

        Assert.Contains("""agent.note  {"text":"café 🚀 \u001B[31m"}""", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001B', result.Stdout);
    }

    [Fact]
    public async Task Show_events_shortens_long_payloads_unless_full()
    {
        await _source.RunOkAsync("demo");
        string id = (await _source.SessionIdsAsync()).Single();
        string export = (await _source.RunOkAsync("session", "export", id)).Stdout;
        string longText = string.Concat(Enumerable.Repeat("a long note ", 30)) + "END-OF-NOTE";
        string edited = export.Replace("Patch applied on second attempt with fuzz.", longText, StringComparison.Ordinal);
        Assert.NotEqual(export, edited);
        string file = Path.Combine(_target.Root, "long.jsonl");
        await File.WriteAllTextAsync(file, edited);
        await _target.RunOkAsync("session", "import", file);
        _target.Environment["COLUMNS"] = "1000";

        AcodeResult shortened = await _target.RunOkAsync("session", "show", id, "--events");
        AcodeResult full = await _target.RunOkAsync("session", "show", id, "--events", "--full");

        Assert.Matches(new Regex(@"^7  \S+Z  agent\.note  \{""text"":""a long note .*…$", RegexOptions.Multiline), shortened.Stdout);
        Assert.DoesNotContain("END-OF-NOTE", shortened.Stdout);
        Assert.Contains(longText + "\"}", full.Stdout.Replace("\n", string.Empty, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _source.Dispose();
        _target.Dispose();
    }
}

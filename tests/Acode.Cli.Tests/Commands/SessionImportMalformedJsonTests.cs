using System.Text;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Domain.Ids;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>acode session import</c> of hand-made or damaged lines (docs/json-format.md, "Text PostgreSQL cannot store" and
/// "Export files"): an escape of an unpaired surrogate is read as U+FFFD, as the API and the transcript importers read
/// one; any other fault is refused with exit 2, the line, the property and what belongs there, in words.
/// </summary>
public sealed class SessionImportMalformedJsonTests : IDisposable
{
    private const string Time = "2026-11-23T04:35:23.9880000Z";
    private readonly CliWorkspace _workspace = new();
    private readonly CliWorkspace _second = new();
    private readonly string _session = SessionId.New().Value;
    private readonly string _task = TaskId.New().Value;
    private readonly string _step = StepId.New().Value;
    private readonly string _call = ToolCallId.New().Value;
    private readonly string _event = EventId.New().Value;

    [Fact]
    public async Task Escapes_of_lone_surrogates_are_imported_as_U_FFFD_in_every_text_and_exported_as_such()
    {
        string file = await WriteAsync(Lines(
            title: @"abc\ud800def",
            goal: @"low \udc00 alone, pair \ud83d\ude00 kept, \ud800\ud800\udc00",
            arguments: @"{\""path\"":\""a\ud800b\""}",
            result: @"out\udc00put",
            payload: @"{\""k\"":\""\udfff\""}"));

        AcodeResult imported = await _workspace.RunAsync("session", "import", file);

        Assert.Equal(0, imported.ExitCode);
        Assert.Contains($"{_session}: 5 new, 0 updated, 0 unchanged", imported.Stdout, StringComparison.Ordinal);
        Assert.Contains("abc\uFFFDdef", (await _workspace.RunOkAsync("session", "show", _session)).Stdout, StringComparison.Ordinal);
        string export = (await _workspace.RunOkAsync("session", "export", _session)).Stdout;
        Dictionary<string, JsonElement> lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(line => line.GetProperty("entity").GetString()!);
        Assert.Equal("abc\uFFFDdef", lines["Session"].GetProperty("title").GetString());
        Assert.Equal("low \uFFFD alone, pair \U0001F600 kept, \uFFFD\U00010000", lines["Session"].GetProperty("goal").GetString());
        Assert.Equal("{\"path\":\"a\uFFFDb\"}", lines["ToolCall"].GetProperty("arguments").GetString());
        Assert.Equal("out\uFFFDput", lines["ToolCall"].GetProperty("result").GetString());
        Assert.Equal("{\"k\":\"\uFFFD\"}", lines["SessionEvent"].GetProperty("payload").GetString());

        // What acode exported it imports unchanged, here and into another workspace.
        string exported = Path.Combine(_workspace.Root, "exported.jsonl");
        await File.WriteAllTextAsync(exported, export);
        Assert.Contains("0 new, 0 updated, 5 unchanged", (await _workspace.RunOkAsync("session", "import", exported)).Stdout, StringComparison.Ordinal);
        await _second.RunOkAsync("session", "import", exported);
        Assert.Equal(export, (await _second.RunOkAsync("session", "export", _session)).Stdout);
    }

    [Fact]
    public async Task An_escaped_backslash_before_u_d800_is_text_and_stays()
    {
        string file = await WriteAsync(Lines(title: @"path C:\\ud800", arguments: @"{\""a\"":\""\\ud800\""}"));

        await _workspace.RunOkAsync("session", "import", file);

        string export = (await _workspace.RunOkAsync("session", "export", _session)).Stdout;
        JsonElement[] lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(@"path C:\ud800", lines[0].GetProperty("title").GetString());
        Assert.Equal(@"{""a"":""\ud800""}", lines.Single(l => l.GetProperty("entity").GetString() == "ToolCall").GetProperty("arguments").GetString());
    }

    [Fact]
    public async Task A_secret_beside_an_escaped_lone_surrogate_in_arguments_and_payload_is_still_redacted()
    {
        // Inner JSON (the arguments' own escapes): a property named by a lone surrogate, a password ending in one.
        const string Json = @"{\""\\ud800\"":\""x\"",\""password\"":\""Xk9mQ2vLp7Rw\\udc00\""}";
        string file = await WriteAsync(Lines(arguments: Json, payload: Json));

        AcodeResult imported = await _workspace.RunAsync("session", "import", file);

        Assert.Equal(0, imported.ExitCode);
        string export = (await _workspace.RunOkAsync("session", "export", _session)).Stdout;
        Assert.DoesNotContain("Xk9mQ2vLp7Rw", export, StringComparison.Ordinal);
        foreach (string stored in new[] { _workspace.DatabasePath, _workspace.DatabasePath + "-wal" }.Where(File.Exists))
        {
            Assert.DoesNotContain("Xk9mQ2vLp7Rw", Encoding.UTF8.GetString(await File.ReadAllBytesAsync(stored)), StringComparison.Ordinal);
        }

        JsonElement[] lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        foreach ((string id, string property) in new[] { (_call, "arguments"), (_event, "payload") })
        {
            // The escape of the name is kept (as the API keeps it; PostgreSQL gets \uFFFD), the secret is replaced.
            Assert.Equal(@"{""\ud800"":""x"",""password"":""[REDACTED:generic-secret]""}", lines.Single(l => l.GetProperty("id").GetString() == id).GetProperty(property).GetString());
        }
    }

    [Theory]
    [InlineData("title", "\"title\":\"a\\xb\"", "Line 1: Not an acode entity document: not valid JSON in the value of \"title\" at byte ", "After a backslash JSON allows only")]
    [InlineData("title", "\"title\":\"a\\u12G4\"", "Line 1: Not an acode entity document: not valid JSON in the value of \"title\" at byte ", "\\u must be followed by four hex digits")]
    [InlineData("title", "\"title\":\"a\tb\"", "Line 1: Not an acode entity document: not valid JSON in the value of \"title\" at byte ", "must be written as an escape")]
    [InlineData("title", "\"title\":5", "Line 1: Not an acode entity document: the value of \"title\" is not of the kind acode writes there: text (a JSON string, in double quotes) belongs there, and the line has the number 5", "")]
    [InlineData("version", "\"version\":\"1\"", "Line 1: Not an acode entity document: the value of \"version\" is not of the kind acode writes there: a whole number from -9223372036854775808 to 9223372036854775807 belongs there, and the line has text", "")]
    [InlineData("ordinal", "\"ordinal\":1.5", "Line 2: Not an acode entity document: the value of \"ordinal\" is not of the kind acode writes there: a whole number from -2147483648 to 2147483647 belongs there, and the line has the number 1.5", "")]
    [InlineData("durationTicks", "\"durationTicks\":[1]", "Line 4: Not an acode entity document: the value of \"durationTicks\" is not of the kind acode writes there: a whole number from -9223372036854775808 to 9223372036854775807 or null belongs there, and the line has an array", "")]
    [InlineData("state", "\"state\":{\"a\":1}", "Line 1: Not an acode entity document: the value of \"state\" is not of the kind acode writes there: text (a JSON string, in double quotes) belongs there, and the line has an object", "")]
    [InlineData("createdAt", "\"createdAt\":\"yesterday\"", "Line 1: Session ", "createdAt \"yesterday\" is not a timestamp in the form yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'")]
    [InlineData("startedAt", "\"startedAt\":\"2026-13-01\"", "Line 2: SessionTask ", "startedAt \"2026-13-01\" is not a timestamp in the form")]
    [InlineData("updatedAt", "\"updatedAt\":\"9999-12-31T23:59:59.9999999Z\"", "Line 1: Session ", "updatedAt \"9999-12-31T23:59:59.9999999Z\" is later than a day after this machine's clock")]
    [InlineData("startedAt", "\"startedAt\":\"2200-01-01T00:00:00.0000000Z\"", "Line 2: SessionTask ", "startedAt \"2200-01-01T00:00:00.0000000Z\" is later than a day after this machine's clock")]
    [InlineData("version", "\"version\":9223372032559808513", "Line 1: Session ", "version 9223372032559808513 is above 9223372032559808512 (2^63 - 2^32)")]
    [InlineData("sequence", "\"sequence\":9223372036854775807", "Line 5: SessionEvent ", "sequence 9223372036854775807 is above 9223372032559808512 (2^63 - 2^32)")]
    [InlineData("durationTicks", "\"durationTicks\":-5", "Line 4: ToolCall ", "durationTicks -5 is negative")]
    [InlineData("createdAt", "\"createdAt\":\"2026-11-23T04:35:23+00:00\"", "Line 1: Session ", "createdAt \"2026-11-23T04:35:23+00:00\" is not a timestamp in the form")]
    [InlineData("version", "\"version\":0", "Line 1: Session ", "version 0 is not positive: an entity's first saved version is 1.")]
    [InlineData("ordinal", "\"ordinal\":0", "Line 2: SessionTask ", "ordinal 0 is not positive: tasks and steps are numbered from 1")]
    [InlineData("startedAt", "\"startedAt\":\"2026-01-02T00:00:00.0000000Z\",\"completedAt\":\"2026-01-01T00:00:00.0000000Z\"", "Line 2: SessionTask ", "completedAt \"2026-01-01T00:00:00.0000000Z\" is before startedAt \"2026-01-02T00:00:00.0000000Z\"")]
    public async Task A_malformed_value_is_refused_naming_the_line_the_property_and_what_belongs_there(string field, string replacement, string error, string more)
    {
        string[] lines = Lines();
        int index = Array.FindIndex(lines, line => line.Contains($"\"{field}\":", StringComparison.Ordinal));
        lines[index] = System.Text.RegularExpressions.Regex.Replace(lines[index], $"\"{field}\":(\"[^\"]*\"|[^,}}]*)", replacement.Replace("$", "$$", StringComparison.Ordinal));
        Assert.Contains(replacement, lines[index], StringComparison.Ordinal);

        await AssertRefusedAsync(await WriteAsync(lines), error, more);
    }

    [Fact]
    public async Task Arguments_or_a_payload_that_are_null_or_not_json_are_refused_in_words()
    {
        string[] lines = Lines(payload: "not json");
        await AssertRefusedAsync(await WriteAsync(lines), "Line 5: SessionEvent ", "payload must be one JSON value nested at most 64 deep, and its text is not (at byte 2): ");

        lines = Lines();
        lines[3] = System.Text.RegularExpressions.Regex.Replace(lines[3], "\"arguments\":\"(\\\\.|[^\"\\\\])*\"", "\"arguments\":null");
        Assert.Contains("\"arguments\":null", lines[3], StringComparison.Ordinal);
        await AssertRefusedAsync(await WriteAsync(lines), "Line 4: ToolCall ", "arguments is missing (null): one JSON value as a string belongs there");
    }

    [Fact]
    public async Task A_line_before_its_parent_s_line_is_refused_saying_the_order()
    {
        string[] lines = Lines();
        (lines[2], lines[3]) = (lines[3], lines[2]); // the tool call before its step

        await AssertRefusedAsync(await WriteAsync(lines), "Line 3: ToolCall ", $"its step {_step} is not on an earlier line of this session: a step's line must come before the lines that belong to it");
    }

    [Fact]
    public async Task A_cut_off_line_is_refused_as_cut_off()
    {
        string[] lines = Lines();
        lines[3] = lines[3][..lines[3].IndexOf("\"result\":\"", StringComparison.Ordinal)] + "\"result\":\"partial outp";

        await AssertRefusedAsync(
            await WriteAsync(lines),
            "Line 4: Not an acode entity document: the line stops inside the value of \"result\" before its JSON value is complete: it was cut off",
            "Re-export the session");
    }

    [Theory]
    [InlineData("[1,2]", "Line 1: Not an acode entity document: each line must be one JSON object (an entity document, as 'acode session export' writes one per line), and this line holds an array.")]
    [InlineData("\"text\"", "Line 1: Not an acode entity document: each line must be one JSON object (an entity document, as 'acode session export' writes one per line), and this line holds text.")]
    [InlineData("{\"entity\":\"Session\",\"title\":\"t\",\"schema\":1}", "Line 1: Not an acode entity document: a Session document has \"state\", \"id\", \"version\", \"createdAt\", \"updatedAt\", and this line lacks them.")]
    [InlineData("{\"title\":\"t\",\"entity\":\"Session\"}", "Line 1: Not an acode entity document: \"entity\" must come first and be one of Session, SessionTask, Step, ToolCall, Artifact, SessionEvent, spelled as shown.")]
    [InlineData("{\"entity\":\"Session\",\"title\":\"t\"} trailing", "Line 1: Not an acode entity document: not valid JSON after the value of \"title\" at byte ")]
    [InlineData("{\"entity\":\"Session\",\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", "Line 1: Not an acode entity document: the JSON in the value of \"x\" is nested deeper than the depth limit of 64 levels at byte ")]
    public async Task A_line_that_is_not_an_entity_document_is_refused_in_words(string line, string error)
    {
        await AssertRefusedAsync(await WriteAsync([line]), error, string.Empty);
    }

    public void Dispose()
    {
        _workspace.Dispose();
        _second.Dispose();
    }

    private async Task AssertRefusedAsync(string file, string error, string more)
    {
        AcodeResult result = await _workspace.RunAsync("session", "import", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"is not a valid acode export: {error}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(more, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Nothing from the failing session was stored", result.Stderr, StringComparison.Ordinal);
        foreach (string dotnet in new[] { "Acode.", "System.", "LineNumber", "Path: $", "could not be converted", "a number out of range" })
        {
            Assert.DoesNotContain(dotnet, result.Stderr, StringComparison.Ordinal);
        }

        await _workspace.AssertNoSessionStoredAsync();
    }

    private async Task<string> WriteAsync(string[] lines)
    {
        string path = Path.Combine(_workspace.Root, $"crafted-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(path, string.Join('\n', lines) + "\n");
        return path;
    }

    /// <summary>
    /// A session with one task, step, tool call and event, each line as JSON text with the given values placed verbatim
    /// between the quotes (so escapes stay escapes).
    /// </summary>
    private string[] Lines(string title = "Fix it", string goal = "goal", string arguments = @"{\""path\"":\""a\""}", string result = "output", string payload = @"{\""k\"":1}")
    {
        string common = $"\"schema\":1,\"version\":1,\"createdAt\":\"{Time}\",\"updatedAt\":\"{Time}\"";
        return
        [
            $"{{\"entity\":\"Session\",\"title\":\"{title}\",\"goal\":\"{goal}\",\"state\":\"Executing\",\"id\":\"{_session}\",{common}}}",
            $"{{\"entity\":\"SessionTask\",\"sessionId\":\"{_session}\",\"ordinal\":1,\"title\":\"Task\",\"state\":\"Running\",\"startedAt\":\"{Time}\",\"id\":\"{_task}\",{common}}}",
            $"{{\"entity\":\"Step\",\"sessionId\":\"{_session}\",\"taskId\":\"{_task}\",\"ordinal\":1,\"title\":\"Step\",\"state\":\"Running\",\"id\":\"{_step}\",{common}}}",
            $"{{\"entity\":\"ToolCall\",\"sessionId\":\"{_session}\",\"stepId\":\"{_step}\",\"toolName\":\"read_file\",\"arguments\":\"{arguments}\",\"status\":\"Succeeded\",\"result\":\"{result}\",\"durationTicks\":10,\"id\":\"{_call}\",{common}}}",
            $"{{\"entity\":\"SessionEvent\",\"sessionId\":\"{_session}\",\"sequence\":1,\"type\":\"note\",\"payload\":\"{payload}\",\"id\":\"{_event}\",{common}}}",
        ];
    }
}

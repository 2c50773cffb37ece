using System.Text.Json;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// What a user trial of <c>acode import</c> found, through the real binary (docs/import.md): a deleted session whose
/// transcript named no source stays deleted, a record written twice is imported once, a <c>subagents</c> folder named
/// on the command line imports its session, two transcripts of one session in two folders are counted and kept
/// apart truthfully, a symbolic link to a transcript is that transcript's session, transcripts with nothing to store
/// create no workspace, and a Codex tool output of content items gives its text and images.
/// </summary>
public sealed class ImportTrialCommandTests : IDisposable
{
    private const string ClaudeKey = "eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee";
    private const string CodexName = "rollout-2026-11-20T10-00-00-0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee.jsonl";

    private const string ClaudePrompt = """{"type":"user","uuid":"u1","sessionId":"s","timestamp":"2026-11-20T10:00:00Z","cwd":"/p","message":{"role":"user","content":"hi"}}""";
    private const string ClaudeAnswer = """{"type":"assistant","uuid":"a1","parentUuid":"u1","sessionId":"s","timestamp":"2026-11-20T10:00:01Z","cwd":"/p","message":{"id":"msg_1","role":"assistant","model":"m","content":[{"type":"text","text":"hello"}],"stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":5}}}""";

    private const string CodexPrompt = """{"timestamp":"2026-11-20T10:00:00.000Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}}""";
    private const string CodexAnswer = """{"timestamp":"2026-11-20T10:00:01.000Z","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"hello"}]}}""";
    private const string CodexUsage = """{"timestamp":"2026-11-20T10:00:01.500Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":10,"output_tokens":5}}}}""";

    private readonly CliWorkspace _workspace = new();

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public async Task A_deleted_session_whose_transcript_names_no_source_is_not_brought_back(string agent)
    {
        // No cwd, version, session_meta or turn_context: the transcript gives no import.source event.
        string folder = Path.Combine(_workspace.Root, "p");
        Directory.CreateDirectory(folder);
        File.WriteAllText(
            Path.Combine(folder, agent == "codex" ? CodexName : ClaudeKey + ".jsonl"),
            (agent == "codex" ? CodexPrompt : """{"type":"user","uuid":"u1","sessionId":"s","timestamp":"2026-11-20T10:00:00Z","message":{"role":"user","content":"prompt"}}""") + "\n");
        await _workspace.RunOkAsync("import", agent, folder);
        string id = Assert.Single(await _workspace.SessionIdsAsync());
        Assert.DoesNotContain(await EventsAsync(id), e => e.GetProperty("type").GetString() == "import.source");
        await _workspace.RunOkAsync("session", "delete", id, "--yes");

        AcodeResult again = await _workspace.RunOkAsync("import", agent, folder);

        Assert.Contains("Imported 0 transcript(s) into 0 session(s): 0 rows new", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("Skipped 1 session(s) removed earlier (session delete); add --include-removed to import them again.", again.Stdout, StringComparison.Ordinal);
        Assert.Empty(await _workspace.SessionIdsAsync());
        await _workspace.RunOkAsync("import", agent, folder, "--include-removed");
        Assert.Equal([id], await _workspace.SessionIdsAsync());
    }

    [Fact]
    public async Task A_Claude_Code_record_written_twice_is_imported_once()
    {
        string file = Path.Combine(_workspace.Root, "p", "aaaaaaaa-0000-4000-8000-000000000001.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file, [ClaudePrompt, ClaudePrompt, ClaudeAnswer, ClaudeAnswer]);

        JsonElement imported = await _workspace.JsonAsync("import", "claude-code", file);

        string id = imported.GetProperty("files")[0].GetProperty("sessionId").GetString()!;
        List<JsonElement> events = await EventsAsync(id);
        Assert.Single(events, e => e.GetProperty("type").GetString() == "transcript.message");
        Assert.Single(events, e => e.GetProperty("type").GetString() == "transcript.usage");
        Assert.Single(await DocumentsAsync(id, "SessionTask"));
        Assert.Single(await DocumentsAsync(id, "Step"));
        await AssertSameAsEachRecordOnceAsync("claude-code", file, [ClaudePrompt, ClaudeAnswer], id);
    }

    [Fact]
    public async Task A_file_whose_records_have_no_usable_time_is_said_to_be_not_imported_not_empty()
    {
        string file = Path.Combine(_workspace.Root, "p", "aaaaaaaa-0000-4000-8000-000000000002.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file, [ClaudePrompt.Replace("2026-11-20T10:00:00Z", "2099-09-01T10:00:00Z", StringComparison.Ordinal), ClaudeAnswer.Replace("2026-11-20T10:00:01Z", "1960-01-01T00:00:00Z", StringComparison.Ordinal)]);

        AcodeResult result = await _workspace.RunOkAsync("import", "claude-code", file);

        Assert.Contains(": (nothing imported: no record with a usable time yet): ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 invalidTimestamps", result.Stdout, StringComparison.Ordinal);

        // Records without any timestamp are no problem of their own, and are not imported either (trial AN 7).
        File.WriteAllLines(file, [ClaudePrompt.Replace("\"timestamp\":\"2026-11-20T10:00:00Z\",", "", StringComparison.Ordinal)]);
        Assert.Contains(": (nothing imported: no record with a usable time yet): ", (await _workspace.RunOkAsync("import", "claude-code", file)).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Codex_line_written_twice_is_imported_once()
    {
        string file = Path.Combine(_workspace.Root, "c", CodexName);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file, [CodexPrompt, CodexPrompt, CodexAnswer, CodexAnswer, CodexUsage, CodexUsage]);

        JsonElement imported = await _workspace.JsonAsync("import", "codex", file);

        string id = imported.GetProperty("files")[0].GetProperty("sessionId").GetString()!;
        List<JsonElement> events = await EventsAsync(id);
        Assert.Single(events, e => e.GetProperty("type").GetString() == "transcript.message");
        Assert.Single(events, e => e.GetProperty("type").GetString() == "transcript.usage");
        Assert.Single(await DocumentsAsync(id, "SessionTask"));
        Assert.Single(await DocumentsAsync(id, "Step"));
        await AssertSameAsEachRecordOnceAsync("codex", file, [CodexPrompt, CodexAnswer, CodexUsage], id);
    }

    /// <summary>
    /// The session <paramref name="file"/> imported is the one the file with each record once gives another workspace: the
    /// session's version and <c>updated_at</c> (trial AK 1: each repeated record stepped them on, so two workspaces
    /// importing the two copies conflicted in PostgreSQL and counted the redactions twice) and, for Claude Code, whose
    /// ids come from the records' <c>uuid</c>s, every document (Codex numbers its entities by line).
    /// </summary>
    private async Task AssertSameAsEachRecordOnceAsync(string agent, string file, string[] lines, string id)
    {
        string once = Path.Combine(_workspace.Root, "once", Path.GetFileName(file));
        Directory.CreateDirectory(Path.GetDirectoryName(once)!);
        File.WriteAllLines(once, lines);
        using var other = new CliWorkspace();
        await other.RunOkAsync("import", agent, once);
        static async Task<string> SessionAsync(CliWorkspace workspace, string id)
        {
            JsonElement session = (await workspace.JsonAsync("session", "show", id)).EnumerateArray().Single(d => d.GetProperty("entity").GetString() == "Session");
            return $"{session.GetProperty("version")}|{session.GetProperty("updatedAt")}";
        }

        Assert.Equal(await SessionAsync(other, id), await SessionAsync(_workspace, id));
        if (agent == "claude-code")
        {
            Assert.Equal((await other.RunOkAsync("session", "export", id)).Stdout, (await _workspace.RunOkAsync("session", "export", id)).Stdout);
        }
    }

    [Fact]
    public async Task A_subagents_folder_named_on_the_command_line_imports_its_session()
    {
        string folder = Path.Combine(_workspace.Root, "q");
        TranscriptFixtures.CopyClaude(folder);
        string subagents = Path.Combine(folder, TranscriptFixtures.ClaudeSessionId, "subagents");
        using var whole = new CliWorkspace();
        JsonElement expected = await whole.JsonAsync("import", "claude-code", TranscriptFixtures.ClaudeFile);

        AcodeResult human = await _workspace.RunOkAsync("import", "claude-code", subagents);

        Assert.Contains("Imported 1 transcript(s) into 1 session(s)", human.Stdout, StringComparison.Ordinal);
        string id = Assert.Single(await _workspace.SessionIdsAsync());
        Assert.Equal(expected.GetProperty("files")[0].GetProperty("sessionId").GetString(), id);
        Assert.Equal(expected.GetProperty("files")[0].GetProperty("tasks").GetInt32(), (await DocumentsAsync(id, "SessionTask")).Count);
        Assert.Contains(await DocumentsAsync(id, "SessionTask"), t => t.GetProperty("ordinal").GetInt32() > 100_000); // the sub-agent's run came too

        // Walking a parent folder still leaves subagents to their session: one transcript, not three.
        Assert.Equal(1, (await _workspace.JsonAsync("import", "claude-code", folder)).GetProperty("files").GetArrayLength());

        // A subagents folder whose session's transcript is not there is refused, as a sub-agent transcript named alone is.
        string orphan = Path.Combine(_workspace.Root, "orphan", "subagents");
        Directory.CreateDirectory(orphan);
        File.Copy(Directory.GetFiles(subagents)[0], Path.Combine(orphan, Path.GetFileName(Directory.GetFiles(subagents)[0])));
        AcodeResult refused = await _workspace.RunAsync("import", "claude-code", orphan);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("is a Claude Code sub-agent transcript", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_totals_carry_every_count_of_a_file_summed_over_the_files()
    {
        string parent = Path.Combine(_workspace.Root, "sums");
        foreach (string project in new[] { "a", "b" })
        {
            Directory.CreateDirectory(Path.Combine(parent, project));
            File.WriteAllLines(Path.Combine(parent, project, ClaudeKey + ".jsonl"), project == "a" ? [ClaudePrompt] : [ClaudePrompt, ClaudeAnswer]);
        }

        JsonElement json = await _workspace.JsonAsync("import", "claude-code", parent);

        JsonElement totals = json.GetProperty("totals");
        List<JsonElement> files = [.. json.GetProperty("files").EnumerateArray()];
        foreach (JsonProperty count in files[0].EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number))
        {
            Assert.True(totals.TryGetProperty(count.Name, out JsonElement total), $"totals lacks '{count.Name}'");
            Assert.Equal(files.Sum(f => f.GetProperty(count.Name).GetInt64()), total.GetInt64());
        }

        Assert.True(totals.GetProperty("steps").GetInt64() > 0);
    }

    [Fact]
    public async Task Two_copies_of_one_transcript_in_two_folders_are_one_session_and_counted_once()
    {
        string parent = Path.Combine(_workspace.Root, "projects");
        foreach (string project in new[] { "a", "b" })
        {
            Directory.CreateDirectory(Path.Combine(parent, project));
            File.WriteAllLines(Path.Combine(parent, project, ClaudeKey + ".jsonl"), project == "a" ? [ClaudePrompt] : [ClaudePrompt, ClaudeAnswer]);
        }

        AcodeResult human = await _workspace.RunOkAsync("import", "claude-code", parent);
        JsonElement json = await _workspace.JsonAsync("import", "claude-code", parent);

        Assert.Contains("Imported 2 transcript(s) into 1 session(s)", human.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, json.GetProperty("totals").GetProperty("sessions").GetInt32());
        string id = Assert.Single(await _workspace.SessionIdsAsync());
        JsonElement task = Assert.Single(await DocumentsAsync(id, "SessionTask"));
        Assert.Equal(1, task.GetProperty("ordinal").GetInt32());
        Assert.Single(await DocumentsAsync(id, "Step")); // the longer copy's answer is there
    }

    [Fact]
    public async Task A_transcript_of_a_session_stored_from_another_folder_with_other_records_is_refused_not_merged()
    {
        string parent = Path.Combine(_workspace.Root, "projects");
        string a = Path.Combine(parent, "a", ClaudeKey + ".jsonl");
        string b = Path.Combine(parent, "b", ClaudeKey + ".jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(a)!);
        Directory.CreateDirectory(Path.GetDirectoryName(b)!);
        File.WriteAllText(a, """{"type":"user","uuid":"x1","sessionId":"s","timestamp":"2026-11-20T10:00:00Z","cwd":"/a","message":{"role":"user","content":"first run"}}""" + "\n");
        File.WriteAllText(b, """{"type":"user","uuid":"y1","sessionId":"s","timestamp":"2026-11-20T10:00:00Z","cwd":"/b","message":{"role":"user","content":"second run"}}""" + "\n");

        AcodeResult both = await _workspace.RunAsync("import", "claude-code", parent);

        Assert.Equal(2, both.ExitCode);
        Assert.Contains("Imported 1 transcript(s) into 1 session(s)", both.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Error: '{b}' holds Claude Code session {ClaudeKey}", both.Stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing of it was imported.", both.Stderr, StringComparison.Ordinal);
        string id = Assert.Single(await _workspace.SessionIdsAsync());
        JsonElement task = Assert.Single(await DocumentsAsync(id, "SessionTask"));
        Assert.Equal("first run", task.GetProperty("title").GetString());

        // In a later run too; and taking the other one instead is possible.
        JsonElement later = JsonDocument.Parse((await _workspace.RunAsync("import", "claude-code", b, "--json")).Stdout).RootElement;
        Assert.Equal(b, later.GetProperty("refused")[0].GetProperty("path").GetString());
        await _workspace.RunOkAsync("session", "delete", id, "--yes");
        await _workspace.RunOkAsync("import", "claude-code", b, "--include-removed");
        Assert.Equal("second run", Assert.Single(await DocumentsAsync(id, "SessionTask")).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public async Task A_copy_lacking_the_first_lines_of_a_transcript_imported_before_the_whole_one_makes_it_refused_and_the_other_files_imported(string agent)
    {
        // Its session id takes the time of its first record, so the two copies are two sessions holding the same records
        // (trial Y: exit 3, "This is a bug", and every file after it left out).
        bool claude = agent == "claude-code";
        string name = claude ? ClaudeKey + ".jsonl" : CodexName;
        string[] whole = claude
            ? [ClaudePrompt, ClaudeAnswer, ClaudeLine("u2", "a1", "10:01:00", "user", "again"), ClaudeLine("a2", "u2", "10:01:01", "assistant", "done")]
            : [CodexPrompt, CodexAnswer, CodexLine("10:01:00", "user", "input_text", "again"), CodexCall];
        string parent = Path.Combine(_workspace.Root, "projects");
        string part = Path.Combine(parent, "a", name);
        string full = Path.Combine(parent, "b", name);
        string other = Path.Combine(parent, "c", claude ? "cccccccc-cccc-4ccc-8ccc-cccccccccccc.jsonl" : CodexName.Replace("eeeeeeeeeeee", "cccccccccccc", StringComparison.Ordinal));
        foreach ((string file, string[] lines) in new[] { (part, whole[2..]), (full, whole), (other, whole) })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllLines(file, lines);
        }

        AcodeResult run = await _workspace.RunAsync("import", agent, part, full, other);
        JsonElement again = JsonDocument.Parse((await _workspace.RunAsync("import", agent, full, "--json")).Stdout).RootElement;

        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain("bug", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Imported 2 transcript(s) into 2 session(s)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Error: '{full}' holds records of ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing of it was imported.", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, (await _workspace.SessionIdsAsync()).Count);
        Assert.Equal(full, again.GetProperty("refused")[0].GetProperty("path").GetString());

        // What Try: says takes the whole copy instead.
        string owner = System.Text.RegularExpressions.Regex.Match(run.Stderr, @"acode session delete (sess_\w+)").Groups[1].Value;
        Assert.NotEqual("", owner);
        Assert.Contains($"then import this file: acode import {agent} {full} --include-removed.", run.Stderr, StringComparison.Ordinal); // also when this file's own session was removed before (trial AB)
        await _workspace.RunOkAsync("session", "delete", owner, "--yes");
        AcodeResult taken = await _workspace.RunOkAsync("import", agent, full, "--include-removed");
        Assert.Contains("Imported 1 transcript(s) into 1 session(s)", taken.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, (await _workspace.SessionIdsAsync()).Count);
    }

    private static string ClaudeLine(string uuid, string parent, string time, string role, string text)
        => role == "user"
            ? $$$"""{"type":"user","uuid":"{{{uuid}}}","parentUuid":"{{{parent}}}","sessionId":"s","timestamp":"2026-11-20T{{{time}}}Z","cwd":"/p","message":{"role":"user","content":"{{{text}}}"}}"""
            : $$$"""{"type":"assistant","uuid":"{{{uuid}}}","parentUuid":"{{{parent}}}","sessionId":"s","timestamp":"2026-11-20T{{{time}}}Z","cwd":"/p","message":{"id":"msg_{{{uuid}}}","role":"assistant","model":"m","content":[{"type":"text","text":"{{{text}}}"}],"stop_reason":"end_turn"}}""";

    private const string CodexCall = """{"timestamp":"2026-11-20T10:01:01.000Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"ls\"]}","call_id":"call_9"}}""";

    private static string CodexLine(string time, string role, string kind, string text)
        => $$$"""{"timestamp":"2026-11-20T{{{time}}}.000Z","type":"response_item","payload":{"type":"message","role":"{{{role}}}","content":[{"type":"{{{kind}}}","text":"{{{text}}}"}]}}""";

    [Fact]
    public async Task A_transcript_rewritten_in_place_with_another_run_is_refused_with_a_message_that_names_that_cause()
    {
        string file = Path.Combine(_workspace.Root, "projects", "p", ClaudeKey + ".jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, """{"type":"user","uuid":"x1","sessionId":"s","timestamp":"2026-11-20T10:00:00Z","cwd":"/p","message":{"role":"user","content":"first run"}}""" + "\n");
        await _workspace.RunOkAsync("import", "claude-code", file);
        File.WriteAllText(file, """{"type":"user","uuid":"v1","sessionId":"s","timestamp":"2026-11-20T10:00:00Z","cwd":"/p","message":{"role":"user","content":"second run"}}""" + "\n");

        AcodeResult again = await _workspace.RunAsync("import", "claude-code", file);

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("or from this file before it was rewritten", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("To take this file as it is now instead", again.Stderr, StringComparison.Ordinal);
        Assert.Equal("first run", Assert.Single(await DocumentsAsync(Assert.Single(await _workspace.SessionIdsAsync()), "SessionTask")).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public async Task A_transcript_reached_through_a_symbolic_link_of_another_name_is_the_session_of_the_file_it_points_to(string agent)
    {
        // The agent names the file; a link (latest.jsonl) is the user's name for it, and names no other session.
        string file = Path.Combine(_workspace.Root, "p", agent == "codex" ? CodexName : ClaudeKey + ".jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file, agent == "codex" ? [CodexPrompt, CodexAnswer] : [ClaudePrompt, ClaudeAnswer]);
        string link = Path.Combine(_workspace.Root, "latest.jsonl");
        File.CreateSymbolicLink(link, file);
        await _workspace.RunOkAsync("import", agent, file);
        string id = Assert.Single(await _workspace.SessionIdsAsync());

        JsonElement throughLink = await _workspace.JsonAsync("import", agent, link);
        AcodeResult bothNames = await _workspace.RunOkAsync("import", agent, link, file);

        Assert.Equal(id, throughLink.GetProperty("files")[0].GetProperty("sessionId").GetString());
        Assert.Equal(0, throughLink.GetProperty("totals").GetProperty("rows").GetProperty("inserted").GetInt32());
        Assert.Contains("Imported 1 transcript(s) into 1 session(s): 0 rows new", bothNames.Stdout, StringComparison.Ordinal);
        Assert.Equal([id], await _workspace.SessionIdsAsync());

        // Removed, it stays removed whichever name the transcript is imported by.
        await _workspace.RunOkAsync("session", "delete", id, "--yes");
        AcodeResult again = await _workspace.RunOkAsync("import", agent, link);
        Assert.Contains("Skipped 1 session(s) removed earlier (session delete)", again.Stdout, StringComparison.Ordinal);
        Assert.Empty(await _workspace.SessionIdsAsync());
    }

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public async Task A_transcript_with_nothing_to_store_yet_creates_no_workspace(string agent)
    {
        // Just created by the agent (empty), or holding only Claude Code summaries: no session yet, nothing stored.
        string folder = Path.Combine(_workspace.Root, "t");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, agent == "codex" ? CodexName : ClaudeKey + ".jsonl"), string.Empty);
        File.WriteAllText(Path.Combine(folder, "ffffffff-ffff-4fff-8fff-ffffffffffff.jsonl"), agent == "codex" ? string.Empty : """{"type":"summary","summary":"s","leafUuid":"x"}""" + "\n");

        AcodeResult result = await _workspace.RunOkAsync("import", agent, folder);

        Assert.Contains("Imported 2 transcript(s) into 0 session(s)", result.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, ".agent")), "nothing stored creates no workspace");
    }

    [Fact]
    public async Task A_Codex_tool_output_of_content_items_is_its_text_with_its_images_as_artifacts_of_the_call()
    {
        // Codex writes a tool's output with images (view_image, an MCP tool) as an array of content items, not a string.
        const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        string file = Path.Combine(_workspace.Root, "c", CodexName);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file,
        [
            CodexPrompt,
            """{"timestamp":"2026-11-20T10:00:01.000Z","type":"response_item","payload":{"type":"function_call","name":"view_image","arguments":"{\"path\":\"/p/shot.png\"}","call_id":"call_1"}}""",
            $$$"""{"timestamp":"2026-11-20T10:00:02.000Z","type":"response_item","payload":{"type":"function_call_output","call_id":"call_1","output":[{"type":"input_text","text":"A red wombatbutton"},{"type":"input_image","image_url":"data:image/png;base64,{{{Png}}}"}]}}""",
            CodexAnswer,
        ]);

        JsonElement imported = await _workspace.JsonAsync("import", "codex", file);

        string id = imported.GetProperty("files")[0].GetProperty("sessionId").GetString()!;
        JsonElement call = Assert.Single(await DocumentsAsync(id, "ToolCall"));
        Assert.Equal("Succeeded", call.GetProperty("status").GetString());
        Assert.Equal("A red wombatbutton", call.GetProperty("result").GetString());
        JsonElement image = Assert.Single(await DocumentsAsync(id, "Artifact"));
        Assert.Equal(call.GetProperty("id").GetString(), image.GetProperty("toolCallId").GetString());
        Assert.Equal("image/png", image.GetProperty("mediaType").GetString());
        Assert.Equal(Png, image.GetProperty("content").GetString());
        Assert.Contains("wombatbutton", (await _workspace.RunOkAsync("session", "search", "wombatbutton")).Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private async Task<List<JsonElement>> DocumentsAsync(string id, string entity)
        => [.. (await _workspace.JsonAsync("session", "show", id)).EnumerateArray().Where(d => d.GetProperty("entity").GetString() == entity)];

    private Task<List<JsonElement>> EventsAsync(string id) => DocumentsAsync(id, "SessionEvent");
}

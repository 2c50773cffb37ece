using System.Diagnostics;
using System.Text.Json;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Import;

/// <summary><c>acode import claude-code|codex</c> through the real binary: counts, idempotency, growth, bad input, --watch.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();
    private readonly CliWorkspace _other = new();

    [Fact]
    public async Task Claude_code_fixture_imports_with_every_count_the_transcript_implies()
    {
        JsonElement result = await _workspace.JsonAsync("import", "claude-code", TranscriptFixtures.ClaudeFolder);

        JsonElement file = result.GetProperty("files").EnumerateArray().Single();
        // 2 prompts + 1 side chain in the file + 1 sub-agent transcript; 7 tool_use blocks; 1 tool_result with is_error.
        Assert.Equal(4, file.GetProperty("tasks").GetInt32());
        Assert.Equal(11, file.GetProperty("steps").GetInt32());
        Assert.Equal(7, file.GetProperty("toolCalls").GetInt32());
        Assert.Equal(1, file.GetProperty("failedToolCalls").GetInt32());
        Assert.Equal(3, file.GetProperty("artifacts").GetInt32()); // Write, Edit (diff), the prompt's image
        Assert.Equal(4, file.GetProperty("unmappedRecords").GetInt32()); // queue-operation, file-history-snapshot, unknown record, unknown block
        JsonElement problems = file.GetProperty("problems");
        Assert.Equal(1, problems.GetProperty("malformedLines").GetInt32());
        Assert.Equal(2, problems.GetProperty("unknownRecordTypes").GetInt32());
        Assert.Equal(1, problems.GetProperty("unpairedToolResults").GetInt32());
        Assert.Equal(1, problems.GetProperty("invalidUtf8Lines").GetInt32());
        Assert.Equal(1, problems.GetProperty("truncatedLastLine").GetInt32());

        string id = file.GetProperty("sessionId").GetString()!;
        List<JsonElement> show = (await _workspace.JsonAsync("session", "show", id)).EnumerateArray().ToList();
        JsonElement session = show.Single(d => Entity(d) == "Session");
        Assert.Equal("Add a CSV export to the report page", session.GetProperty("title").GetString()); // the summary record
        Assert.Equal("Executing", session.GetProperty("state").GetString()); // ends with a tool call awaiting its result
        var calls = show.Where(d => Entity(d) == "ToolCall").ToList();
        Assert.Equal(7, calls.Count);
        Assert.Single(calls, c => c.GetProperty("status").GetString() == "Failed");
        Assert.Equal(4, show.Count(d => Entity(d) == "SessionTask"));
        Assert.Contains(show, d => Entity(d) == "SessionTask" && d.GetProperty("title").GetString()!.Contains("日本語 🚀", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Codex_fixture_imports_with_every_count_the_transcript_implies()
    {
        JsonElement result = await _workspace.JsonAsync("import", "codex", TranscriptFixtures.CodexFolder);

        JsonElement file = result.GetProperty("files").EnumerateArray().Single();
        Assert.Equal(2, file.GetProperty("tasks").GetInt32()); // the environment context is not a prompt
        Assert.Equal(5, file.GetProperty("toolCalls").GetInt32()); // function_call ×2, custom_tool_call, local_shell_call, web_search_call
        Assert.Equal(1, file.GetProperty("failedToolCalls").GetInt32()); // exit_code 1
        Assert.Equal(2, file.GetProperty("artifacts").GetInt32()); // the patch, the image
        JsonElement problems = file.GetProperty("problems");
        Assert.Equal(1, problems.GetProperty("malformedLines").GetInt32());
        Assert.Equal(2, problems.GetProperty("unknownRecordTypes").GetInt32());
        Assert.Equal(1, problems.GetProperty("unpairedToolResults").GetInt32());
        Assert.Equal(1, problems.GetProperty("unpairedToolCalls").GetInt32()); // call_4 never answered, run aborted
        Assert.Equal(1, problems.GetProperty("truncatedLastLine").GetInt32());

        JsonElement show = (await _workspace.JsonAsync("session", "show", file.GetProperty("sessionId").GetString()!))[0];
        Assert.Equal("Cancelled", show.GetProperty("state").GetString()); // turn_aborted
        Assert.Equal("Fix the failing CSV test", show.GetProperty("goal").GetString());
    }

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public async Task Importing_twice_changes_nothing(string agent)
    {
        string folder = agent == "codex" ? TranscriptFixtures.CodexFolder : TranscriptFixtures.ClaudeFolder;
        await _workspace.RunOkAsync("import", agent, folder);
        JsonElement before = await _workspace.JsonAsync("db", "status");

        JsonElement again = await _workspace.JsonAsync("import", agent, folder);

        JsonElement rows = again.GetProperty("totals").GetProperty("rows");
        Assert.Equal(0, rows.GetProperty("inserted").GetInt32());
        Assert.Equal(0, rows.GetProperty("updated").GetInt32());
        JsonElement after = await _workspace.JsonAsync("db", "status");
        Assert.Equal(before.GetProperty("rows").ToString(), after.GetProperty("rows").ToString());
        Assert.Equal(before.GetProperty("outbox").GetProperty("pending").GetInt64(), after.GetProperty("outbox").GetProperty("pending").GetInt64());
    }

    [Fact]
    public async Task A_grown_transcript_adds_only_what_is_new_and_ends_as_a_whole_import()
    {
        int length = (int)new FileInfo(TranscriptFixtures.ClaudeFile).Length;
        string folder = Path.Combine(_workspace.Root, "transcripts");
        string file = TranscriptFixtures.CopyClaude(folder, bytes: length / 2);
        JsonElement first = await _workspace.JsonAsync("import", "claude-code", file);

        TranscriptFixtures.CopyClaude(folder);
        JsonElement second = await _workspace.JsonAsync("import", "claude-code", file);
        await _other.RunOkAsync("import", "claude-code", TranscriptFixtures.ClaudeFile);

        string id = second.GetProperty("files")[0].GetProperty("sessionId").GetString()!;
        Assert.Equal(first.GetProperty("files")[0].GetProperty("sessionId").GetString(), id);
        Assert.True(second.GetProperty("totals").GetProperty("rows").GetProperty("unchanged").GetInt32() > 0, second.ToString());
        Assert.Equal((await _other.RunOkAsync("session", "export", id)).Stdout, (await _workspace.RunOkAsync("session", "export", id)).Stdout);
    }

    [Fact]
    public async Task The_session_tree_matches_the_golden_export()
    {
        JsonElement result = await _workspace.JsonAsync("import", "claude-code", TranscriptFixtures.ClaudeFile);
        string id = result.GetProperty("files")[0].GetProperty("sessionId").GetString()!;
        JsonElement codex = await _workspace.JsonAsync("import", "codex", TranscriptFixtures.CodexFile);
        string codexId = codex.GetProperty("files")[0].GetProperty("sessionId").GetString()!;

        string actual = (await _workspace.RunOkAsync("session", "export", id)).Stdout + (await _workspace.RunOkAsync("session", "export", codexId)).Stdout;

        string golden = Path.Combine(TranscriptFixtures.Root, "import.golden.jsonl");
        if (Environment.GetEnvironmentVariable("ACODE_UPDATE_GOLDEN") == "1")
        {
            string source = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Fixtures", "import.golden.jsonl");
            await File.WriteAllTextAsync(source, actual);
            return;
        }

        Assert.Equal(await File.ReadAllTextAsync(golden), actual);
    }

    [Fact]
    public async Task A_path_that_does_not_exist_is_a_usage_error()
    {
        AcodeResult result = await _workspace.RunAsync("import", "codex", Path.Combine(_workspace.Root, "nowhere"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Error: No file or folder at", result.Stderr);
        Assert.Contains("Try: Give the path of a transcript of the Codex CLI (.jsonl)", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, ".agent")), "a path that does not exist creates no workspace");
    }

    [Fact]
    public async Task Without_a_usable_HOME_the_default_location_is_named_and_nothing_relative_to_the_current_folder_is_read()
    {
        TranscriptFixtures.CopyClaude(Path.Combine(_workspace.Root, ".claude", "projects", "-w"));
        _workspace.Environment["HOME"] = "/nonexistent";
        _workspace.Environment["CLAUDE_CONFIG_DIR"] = null;

        AcodeResult result = await _workspace.RunAsync("import", "claude-code");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("there is no folder '/nonexistent/.claude/projects'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("HOME is '/nonexistent'", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_workspace.DatabasePath), "nothing imported, no workspace created");
    }

    [Theory]
    [InlineData("codex", "CODEX_HOME", "sessions")]
    [InlineData("claude-code", "CLAUDE_CONFIG_DIR", "projects")]
    public async Task With_the_agents_own_variable_set_the_missing_default_folder_names_that_variable_not_HOME(string agent, string variable, string folder)
    {
        // trial Y: "CODEX_HOME=/some/file acode import codex" said "HOME is '/root'".
        string chosen = Path.Combine(_workspace.Root, "agent-home");
        _workspace.Environment[variable] = chosen;

        AcodeResult result = await _workspace.RunAsync("import", agent);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"there is no folder '{Path.Combine(chosen, folder)}'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{variable} is '{chosen}'", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("HOME is '", result.Stderr.Replace($"{variable} is '", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains($"or set {variable} to the folder", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("claude-code", """{"type":"user","timestamp":"2026-11-29T10:00:00Z","message":{"content":"lone \ud800 high"}}""", """{"type":"user","timestamp":"2026-11-29T10:00:00Z","message":{"content":"lone \udc00 low"}}""")]
    [InlineData("codex", """{"timestamp":"2026-11-29T10:00:00Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"lone \ud800 high"}]}}""", """{"timestamp":"2026-11-29T10:00:01Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"lone \udc00 low"}]}}""")]
    public async Task A_lone_surrogate_is_imported_as_U_FFFD_and_does_not_stop_the_other_files_of_the_folder(string agent, string highLine, string lowLine)
    {
        string folder = Path.Combine(_workspace.Root, "transcripts");
        Directory.CreateDirectory(folder);
        string fine = agent == "codex"
            ? """{"timestamp":"2026-11-29T10:00:00Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"fine"}]}}"""
            : """{"type":"user","timestamp":"2026-11-29T10:00:00Z","message":{"content":"fine"}}""";
        await File.WriteAllTextAsync(Path.Combine(folder, "2e2e2e2e-0000-1111-2222-333344445501.jsonl"), highLine + "\n" + lowLine + "\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "2e2e2e2e-0000-1111-2222-333344445502.jsonl"), fine + "\n");

        AcodeResult result = await _workspace.RunAsync("import", agent, folder);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("0 problem(s)", result.Stdout.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        List<JsonElement> items = [.. (await _workspace.JsonAsync("session", "list")).GetProperty("items").EnumerateArray()];
        Assert.Equal(["fine", "lone \uFFFD high"], items.Select(i => i.GetProperty("title").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Another_agent_s_transcript_is_refused_with_the_command_that_fits_and_no_session()
    {
        AcodeResult result = await _workspace.RunAsync("import", "codex", TranscriptFixtures.ClaudeFile);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a Codex CLI transcript", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("it looks like a Claude Code transcript", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Import it with 'acode import claude-code " + TranscriptFixtures.ClaudeFile, result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_workspace.DatabasePath), "nothing imported, no workspace created");
    }

    [Fact]
    public async Task An_acode_export_given_to_import_is_refused_with_session_import_as_the_remedy()
    {
        await _other.RunOkAsync("import", "claude-code", TranscriptFixtures.ClaudeFile);
        string export = Path.Combine(_workspace.Root, "all.jsonl");
        await _other.RunOkAsync("session", "export", "--all", "-o", export);

        AcodeResult result = await _workspace.RunAsync("import", "claude-code", export);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a Claude Code transcript", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("it is an acode session export", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Import it with 'acode session import " + export, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Imported", result.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(_workspace.DatabasePath), "nothing imported, no workspace created");
    }

    [Fact]
    public async Task A_foreign_file_in_a_folder_is_refused_and_the_transcripts_beside_it_are_imported()
    {
        string folder = Path.Combine(_workspace.Root, "mixed");
        TranscriptFixtures.CopyClaude(folder);
        string foreign = Path.Combine(folder, "notes.jsonl");
        await File.WriteAllTextAsync(foreign, "{\"level\":\"info\",\"msg\":\"a log line\"}\n");

        AcodeResult result = await _workspace.RunAsync("import", "claude-code", folder, "--json");

        Assert.Equal(2, result.ExitCode);
        JsonElement json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Single(json.GetProperty("files").EnumerateArray());
        Assert.Equal(foreign, json.GetProperty("refused")[0].GetProperty("path").GetString());
        Assert.Contains("is not a Claude Code transcript", result.Stderr, StringComparison.Ordinal);
        Assert.Single(await _workspace.SessionIdsAsync());
    }

    [Fact]
    public async Task A_sub_agent_transcript_given_alone_imports_its_session_and_no_session_of_its_own()
    {
        string subAgent = Directory.GetFiles(Path.Combine(TranscriptFixtures.ClaudeFolder, "-home-dev-app", TranscriptFixtures.ClaudeSessionId, "subagents")).Order(StringComparer.Ordinal).First();
        await _other.RunOkAsync("import", "claude-code", TranscriptFixtures.ClaudeFile);

        JsonElement result = await _workspace.JsonAsync("import", "claude-code", subAgent);

        JsonElement file = result.GetProperty("files").EnumerateArray().Single();
        Assert.Equal(TranscriptFixtures.ClaudeFile, file.GetProperty("path").GetString());
        string id = Assert.Single(await _workspace.SessionIdsAsync());
        Assert.Equal(await _other.SessionIdsAsync(), [id]);
        Assert.Equal((await _other.RunOkAsync("session", "export", id)).Stdout, (await _workspace.RunOkAsync("session", "export", id)).Stdout);
    }

    [Fact]
    public async Task Watch_records_a_transcript_as_it_is_written_and_stops_cleanly_on_ctrl_c()
    {
        string folder = Path.Combine(_workspace.Root, "live");
        Directory.CreateDirectory(folder);
        using Process watch = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "import", "claude-code", folder, "--watch");
        Task<string> output = watch.StandardOutput.ReadToEndAsync();
        try
        {
            byte[] content = await File.ReadAllBytesAsync(TranscriptFixtures.ClaudeFile);
            int half = Array.IndexOf(content, (byte)'\n', content.Length / 3) + 10; // ends in the middle of a line
            string file = Path.Combine(folder, TranscriptFixtures.ClaudeSessionId + ".jsonl");
            await File.WriteAllBytesAsync(file, content[..half]);
            int tasksFirst = await WaitForTasksAsync(n => n >= 1);

            await using (FileStream append = new(file, FileMode.Append))
            {
                await append.WriteAsync(content.AsMemory(half));
            }

            int tasksAfter = await WaitForTasksAsync(n => n == 3); // 2 prompts and the in-file side chain
            Assert.True(tasksFirst <= tasksAfter);
        }
        finally
        {
            await ProcessInterrupt.SendAndWaitAsync(watch);
        }

        Assert.Equal(0, watch.ExitCode);
        Assert.Contains("Stopped.", await output);

        // What --watch recorded is exactly what a one-shot import of the finished file records.
        await _other.RunOkAsync("import", "claude-code", folder);
        string id = (await _other.SessionIdsAsync()).Single();
        Assert.Equal((await _other.RunOkAsync("session", "export", id)).Stdout, (await _workspace.RunOkAsync("session", "export", id)).Stdout);
    }

    [Fact]
    public async Task Watch_of_a_turn_written_block_by_block_is_executing_until_the_answer_and_ends_as_a_one_shot_import()
    {
        // Claude Code writes each block of one message as its own line (same message.id): text, then the tool use.
        string[] lines =
        [
            """{"type":"user","uuid":"u1","parentUuid":null,"cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:00Z","message":{"role":"user","content":"run the tests"}}""",
            """{"type":"assistant","uuid":"a1","parentUuid":"u1","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:02Z","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"text","text":"Let me run the tests."}],"stop_reason":null}}""",
            """{"type":"assistant","uuid":"a2","parentUuid":"a1","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:03Z","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"make test"}}],"stop_reason":"tool_use"}}""",
            """{"type":"user","uuid":"u2","parentUuid":"a2","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:01:03Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}}""",
            """{"type":"assistant","uuid":"a3","parentUuid":"u2","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:01:05Z","message":{"id":"m2","role":"assistant","model":"m","content":[{"type":"text","text":"All green."}],"stop_reason":"end_turn"}}""",
        ];
        string folder = Path.Combine(_workspace.Root, "turns");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "22222222-2222-4333-8444-555555555555.jsonl");
        using Process watch = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "import", "claude-code", folder, "--watch");
        Task<string> output = watch.StandardOutput.ReadToEndAsync();
        var states = new List<string>();
        try
        {
            foreach (string line in lines)
            {
                await File.AppendAllTextAsync(file, line + "\n");
                string time = JsonDocument.Parse(line).RootElement.GetProperty("timestamp").GetString()![..19];
                states.Add(await WaitForSessionAsync(item => item.GetProperty("updatedAt").GetString()!.StartsWith(time, StringComparison.Ordinal)));
            }
        }
        finally
        {
            await ProcessInterrupt.SendAndWaitAsync(watch);
        }

        Assert.Equal(["Executing", "Executing", "Executing", "Executing", "Completed"], states);
        await _other.RunOkAsync("import", "claude-code", folder);
        string id = (await _other.SessionIdsAsync()).Single();
        Assert.Equal((await _other.RunOkAsync("session", "export", id)).Stdout, (await _workspace.RunOkAsync("session", "export", id)).Stdout);
        Assert.Contains("Stopped.", await output, StringComparison.Ordinal);
    }

    private async Task<string> WaitForSessionAsync(Func<JsonElement, bool> done)
    {
        for (int attempt = 0; attempt < 600; attempt++)
        {
            if (File.Exists(Path.Combine(_workspace.Root, ".agent", "workspace.db"))
                && (await _workspace.JsonAsync("session", "list")).GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } item
                && done(item))
            {
                return item.GetProperty("state").GetString()!;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("acode import --watch did not record the line within two minutes.");
    }

    private async Task<int> WaitForTasksAsync(Func<int, bool> done)
    {
        for (int attempt = 0; attempt < 600; attempt++)
        {
            if (!File.Exists(Path.Combine(_workspace.Root, ".agent", "workspace.db")))
            {
                // The watcher has not created the workspace yet, and reading one that does not exist is an error.
                await Task.Delay(200);
                continue;
            }

            JsonElement list = await _workspace.JsonAsync("session", "list");
            if (list.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } item
                && item.TryGetProperty("taskCount", out JsonElement tasks) && done(tasks.GetInt32()))
            {
                return tasks.GetInt32();
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("acode import --watch did not record the transcript within two minutes.");
    }

    private static string? Entity(JsonElement document) => document.GetProperty("entity").GetString();

    public void Dispose()
    {
        _workspace.Dispose();
        _other.Dispose();
    }
}

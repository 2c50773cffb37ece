using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Acode.Application.Queries;
using Acode.Application.Serialization;
using Acode.Domain.Text;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Resilience.Tests.Support;

namespace Acode.Resilience.Tests.Scenarios;

/// <summary>
/// Scenario 7, hostile input through the public API and <c>acode session import</c>: SQL-injection strings in every
/// text field, a 10 MB tool result, invalid UTF-8 and NUL characters, deeply nested JSON, artifact names that look
/// like paths or carry control characters, a 50 000-event session, and forged export documents. Each is stored and
/// read back verbatim, or refused with a clear error and a documented limit; nothing escapes the workspace and nothing
/// crashes (no exit 3).
/// </summary>
public sealed class S7_HostileInputTests(ITestOutputHelper output)
{
    private static readonly string[] Corpus =
    [
        "'; DROP TABLE sessions; --",
        "\" OR 1=1 --",
        "Robert'); DELETE FROM outbox WHERE ('1'='1",
        "' UNION SELECT workspace_id, 1, 1 FROM workspace --",
        "%",
        "_",
        "%_%' ESCAPE '\\",
        "\\'; ATTACH DATABASE '/tmp/evil.db' AS evil; --",
        "$id",
        "@p0 :name ?1 ?",
        "\u2019 OR \u02BC1\u02BC=\u02BC1",
        "NUL\0inside\0\0",
        "long text with NUL\0 (past the 512 bytes Microsoft.Data.Sqlite binds with an explicit length) " + new string('n', 600) + "\0end",
        "line\r\nbreak\n",
        "\u001b[31mred\u001b[0m\u0007",
        "\u202Eevil\u2028sep",
        "💥 emoji 𝕏 and Ünïcödé",
        "\uFEFFbom",
        new string('x', 65536),
        "{\"json\":\"looking\"}",
        "<script>alert(1)</script>",
    ];

    [Fact]
    [Trait("AC", "AC-059")]
    [Trait("Scenario", "7")]
    public async Task Injection_strings_in_every_text_field_are_stored_and_read_back_verbatim()
    {
        using var scratch = new Scratch();
        var workspace = new Workspace(scratch.Dir("a"));
        string schemaBefore, schemaAfter;
        var mismatches = new List<string>();
        var sessions = new List<Session>();
        int fields = 0;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace))
        {
            var store = new SqliteRunStateStore(database);
            schemaBefore = SchemaOf(workspace.DatabasePath);
            foreach (string p in Corpus)
            {
                Session session = Session.Create(p, p);
                Step step = session.AddTask(p, p).AddStep(p, p);
                ToolCall ok = step.AddToolCall(p, JsonSerializer.Serialize(p));
                ok.Succeed(p);
                ToolCall failed = step.AddToolCall(p, JsonSerializer.Serialize(new Dictionary<string, string> { [p] = p }));
                failed.Fail(p, TimeSpan.FromSeconds(1), p);
                session.AddArtifact(p.Length > Artifact.MaxNameLength ? p[..Artifact.MaxNameLength] : p, ArtifactKind.File, p, Encoding.UTF8.GetBytes(p), step.Id, ok.Id);
                session.AppendEvent(p, JsonSerializer.Serialize(p));
                await store.SaveAsync(session);
                sessions.Add(session);
            }

            foreach ((Session saved, string p) in sessions.Zip(Corpus))
            {
                Session loaded = (await store.GetSessionAsync(saved.Id))!;
                SessionEvent evt = (await store.ReadEventsAsync(loaded, 1, 10)).Single();
                Step step = loaded.Tasks[0].Steps[0];
                ToolCall ok = step.ToolCalls.Single(c => c.Status == ToolCallStatus.Succeeded);
                ToolCall failed = step.ToolCalls.Single(c => c.Status == ToolCallStatus.Failed);
                Artifact artifact = loaded.Artifacts[0];
                (string Field, string? Value, string Expected)[] checks =
                [
                    ("session.title", loaded.Title, p), ("session.goal", loaded.Goal, p), ("task.title", loaded.Tasks[0].Title, p),
                    ("task.description", loaded.Tasks[0].Description, p), ("step.title", step.Title, p), ("step.description", step.Description, p),
                    ("toolCall.toolName", ok.ToolName, p), ("toolCall.arguments", ok.ArgumentsJson, JsonSerializer.Serialize(p)), ("toolCall.result", ok.Result, p),
                    ("toolCall.error", failed.Error, p), ("toolCall.partialResult", failed.Result, p),
                    ("toolCall.arguments (key)", failed.ArgumentsJson, JsonSerializer.Serialize(new Dictionary<string, string> { [p] = p })),
                    ("artifact.name", artifact.Name, p.Length > Artifact.MaxNameLength ? p[..Artifact.MaxNameLength] : p), ("artifact.mediaType", artifact.MediaType, p),
                    ("artifact.content", Encoding.UTF8.GetString(artifact.Content!.Value.Span), p),
                    ("event.type", evt.Type, p), ("event.payload", evt.PayloadJson, JsonSerializer.Serialize(p)),
                ];
                fields = checks.Length;
                mismatches.AddRange(checks.Where(c => !string.Equals(c.Value, c.Expected, StringComparison.Ordinal)).Select(c => $"{c.Field} of payload {Printable(p)}"));
            }

            // Title filters match literally (LIKE wildcards and quotes are text, not syntax).
            foreach (string term in new[] { "%", "_", "'", "\\", "--", "'; DROP TABLE sessions; --" })
            {
                Page<SessionSummary> page = await store.QuerySessionsAsync(new SessionFilter { TitleContains = term }, SessionSort.CreatedAscending, new PaginationOptions { Limit = 1000 });
                var expected = sessions.Where(s => s.Title.Contains(term, StringComparison.OrdinalIgnoreCase)).Select(s => s.Id).ToHashSet();
                if (!expected.SetEquals(page.Items.Select(i => i.Id)))
                {
                    mismatches.Add($"title filter {Printable(term)}: {page.Items.Count} found, {expected.Count} expected");
                }
            }

            schemaAfter = SchemaOf(workspace.DatabasePath);
        }

        // Through the CLI: everything exported (one file, several sessions), imported into a fresh workspace, identical.
        string export = scratch.PathOf("all.jsonl");
        string expectedText = await ExportAsync(workspace, sessions.Select(s => s.Id));
        await File.WriteAllTextAsync(export, expectedText, new UTF8Encoding(false));
        var copy = new Workspace(scratch.Dir("b"));
        RunResult import = await Cli.RunAsync(copy.RootDirectory, "session", "import", export);
        Assert.True(import.ExitCode == 0, import.ToString());
        string importedText = await ExportAsync(copy, sessions.Select(s => s.Id));
        int roundTripDiffs = Lines(expectedText).Except(Lines(importedText)).Count();
        RunResult show = await Cli.RunAsync(workspace.RootDirectory, "session", "show", sessions[13].Id.Value);
        Assert.True(show.ExitCode == 0, show.ToString());
        List<string> raw = RawControlCharacters(show.Stdout);

        string figure = $"{Corpus.Length} hostile strings × {fields} text fields: {mismatches.Count} mismatches, schema {(schemaBefore == schemaAfter ? "unchanged" : "CHANGED")}, " +
                        $"6 title filters matched literally; export → acode session import → export: {roundTripDiffs} lines differ; 'session show' printed {raw.Count} raw control characters";
        Figures.Report(output, "S7 injection strings", figure);
        Assert.True(mismatches.Count == 0 && schemaBefore == schemaAfter && roundTripDiffs == 0 && raw.Count == 0, figure + "\n" + string.Join('\n', mismatches.Concat(raw)));
    }

    [Fact]
    [Trait("Scenario", "7")]
    public async Task Huge_ill_formed_and_deep_inputs_are_kept_verbatim_or_refused_at_a_documented_limit()
    {
        using var scratch = new Scratch();
        var workspace = new Workspace(scratch.Dir("ws"));
        var lines = new List<string>();
        var clock = Stopwatch.StartNew();
        string tenMegabytes = TenMegabytesOfOutput();
        Session session;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace))
        {
            var store = new SqliteRunStateStore(database);
            session = Session.Create("huge and odd");
            Step step = session.AddTask("t").AddStep("s");
            step.AddToolCall("cat", "{}").Succeed(tenMegabytes);

            // Lone surrogates cannot be stored as UTF-8: the API replaces them with U+FFFD once (docs/architecture.md).
            step.AddToolCall("odd", "{}").Succeed("lone \uD800 high and \uDC00 low");

            // JSON nested exactly at the limit is accepted; one level deeper is refused with the limit in the message.
            step.AddToolCall("deep", Nested(JsonText.MaxDepth)).Succeed("ok");
            ArgumentException tooDeep = Assert.Throws<ArgumentException>(() => step.AddToolCall("deeper", Nested(JsonText.MaxDepth + 1)));
            Assert.Contains("64", tooDeep.Message, StringComparison.Ordinal);
            ArgumentException longName = Assert.Throws<ArgumentException>(() => session.AddArtifact(new string('n', Artifact.MaxNameLength + 1), ArtifactKind.File, "text/plain", Array.Empty<byte>()));
            Assert.Contains("4096", longName.Message, StringComparison.Ordinal);
            session.AddArtifact(new string('n', Artifact.MaxNameLength), ArtifactKind.File, "text/plain", Encoding.UTF8.GetBytes(tenMegabytes[..1000]));
            await store.SaveAsync(session);
            Session loaded = (await store.GetSessionAsync(session.Id))!;
            List<ToolCall> calls = [.. loaded.Tasks[0].Steps[0].ToolCalls];
            Assert.Equal(tenMegabytes, calls.Single(c => c.ToolName == "cat").Result);
            Assert.Equal("lone \uFFFD high and \uFFFD low", calls.Single(c => c.ToolName == "odd").Result);
            lines.Add($"10 MB tool result with NULs: saved and read back identical ({clock.ElapsedMilliseconds} ms)");
            lines.Add("lone surrogates: replaced by U+FFFD at the API (documented)");
            lines.Add($"JSON nested {JsonText.MaxDepth} deep accepted, {JsonText.MaxDepth + 1} refused naming the limit; artifact name of {Artifact.MaxNameLength} characters accepted, {Artifact.MaxNameLength + 1} refused naming the limit");
        }

        // The same through the CLI: export, import into a fresh workspace, compare.
        string export = scratch.PathOf("huge.jsonl");
        RunResult exported = await Cli.RunAsync(workspace.RootDirectory, "session", "export", session.Id.Value, "-o", export);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        var copy = new Workspace(scratch.Dir("copy"));
        var cli = Stopwatch.StartNew();
        RunResult imported = await Cli.RunAsync(copy.RootDirectory, "session", "import", export);
        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Equal(Lines(await File.ReadAllTextAsync(export)).Order(StringComparer.Ordinal), Lines(await ExportAsync(copy, [session.Id])).Order(StringComparer.Ordinal));
        lines.Add($"the {new FileInfo(export).Length / 1024 / 1024} MB export imported through the CLI identical ({cli.ElapsedMilliseconds} ms)");

        // Import files that are not what they claim: each refused with exit 2 and a message saying what and where.
        byte[] valid = await File.ReadAllBytesAsync(export);
        int firstLineEnd = Array.IndexOf(valid, (byte)'\n');
        var bad = new List<(string Name, byte[] Bytes, string Expect)>
        {
            ("invalid UTF-8 (0xFF 0xFE in a title)", Replace(valid, "huge and odd"u8.ToArray(), [(byte)'h', 0xFF, 0xFE, (byte)'e']), "UTF-8"),
            ("a CESU-encoded lone surrogate", Replace(valid, "huge and odd"u8.ToArray(), [(byte)'h', 0xED, 0xA0, 0x80, (byte)'e']), "UTF-8"),
            ("a JSON line nested 10 000 deep", [.. Encoding.UTF8.GetBytes("{\"entity\":\"Session\",\"x\":" + string.Concat(Enumerable.Repeat("{\"x\":", 10_000)) + "1" + new string('}', 10_001)), (byte)'\n'], "depth"),
            ("tool arguments nested 10 000 deep", ReplaceJson(valid, "ToolCall", "arguments", JsonValue.Create(Nested(10_000))), "64"),
            ("random bytes", RandomBytes(4096), "Line 1"),
        };
        int refused = 0;
        foreach ((string name, byte[] bytes, string expect) in bad)
        {
            string path = scratch.PathOf($"bad-{refused}.jsonl");
            await File.WriteAllBytesAsync(path, bytes);
            var fresh = new Workspace(scratch.Dir($"fresh-{refused}"));
            RunResult result = await Cli.RunAsync(fresh.RootDirectory, "session", "import", path);
            Assert.True(result.ExitCode == 2 && result.Stderr.Contains(expect, StringComparison.OrdinalIgnoreCase) && result.Stderr.Contains("Try:", StringComparison.Ordinal),
                $"{name}: expected exit 2 with '{expect}' in the message; got {result}");
            Assert.False(File.Exists(fresh.DatabasePath), $"{name}: a refused import created a workspace"); // nothing stored, nothing created
            refused++;
        }

        lines.Add($"{refused}/{bad.Count} malformed import files refused with exit 2 and the reason (invalid UTF-8, depth, random bytes), nothing stored and no workspace created");

        // An escape of an unpaired surrogate is half a character, not bad bytes: read as U+FFFD, as the API reads one. The
        // session line alone, without the count of lines that would call the rest of its export missing.
        string surrogate = scratch.PathOf("surrogate.jsonl");
        string sessionLine = System.Text.RegularExpressions.Regex.Replace(Encoding.UTF8.GetString(valid[..firstLineEnd]), "\"exportLines\":[0-9]+,", string.Empty);
        await File.WriteAllTextAsync(surrogate, sessionLine.Replace("huge and odd", "a\\ud800b", StringComparison.Ordinal) + "\n");
        var repaired = new Workspace(scratch.Dir("surrogate"));
        RunResult accepted = await Cli.RunAsync(repaired.RootDirectory, "session", "import", surrogate);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        using (var line = System.Text.Json.JsonDocument.Parse(Lines(await ExportAsync(repaired, [session.Id]))[0]))
        {
            Assert.Equal("a\uFFFDb", line.RootElement.GetProperty("title").GetString());
        }

        lines.Add("an unpaired surrogate escape (\\ud800) in a title imported as U+FFFD (documented)");
        string figure = string.Join("; ", lines);
        Figures.Report(output, "S7 huge, ill-formed and deep input", figure);
    }

    [Fact]
    [Trait("Scenario", "7")]
    public async Task Artifact_names_that_look_like_paths_or_carry_control_characters_stay_labels_and_never_reach_the_terminal_raw()
    {
        using var scratch = new Scratch();
        string marker = Guid.NewGuid().ToString("N")[..12];
        string[] names =
        [
            $"../../../../../../tmp/escaped-{marker}",
            $"/tmp/absolute-{marker}",
            $"..\\..\\..\\windows-{marker}",
            $"a/../../b-{marker}",
            $"%2e%2e%2fencoded-{marker}",
            $"C:\\Windows\\System32\\drivers-{marker}",
            "\u001b]0;pwned\u0007\u001b[2J\u001b[1;1Hcleared",
            "bell\u0007cr\rlf\nnul\0tab\tdel\u007f",
            "\u202Etxt.exe",
            $"~/.ssh/authorized_keys-{marker}",
            new string('/', Artifact.MaxNameLength),
        ];
        var workspace = new Workspace(scratch.Dir("ws"));
        Session session;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace))
        {
            var store = new SqliteRunStateStore(database);
            session = Session.Create("artifact names\u001b[31m");
            session.AddTask("t\u0007").AddStep("s");
            foreach (string name in names)
            {
                session.AddArtifact(name, ArtifactKind.File, "text/plain", Encoding.UTF8.GetBytes(name));
            }

            await store.SaveAsync(session);
            Session loaded = (await store.GetSessionAsync(session.Id))!;
            Assert.Equal(names, loaded.Artifacts.Select(a => a.Name));
        }

        Dictionary<string, string> before = FileSnapshot.Take(scratch.Root);
        string export = scratch.PathOf("names.jsonl");
        var copy = new Workspace(scratch.Dir("copy"));
        var results = new List<RunResult>
        {
            await Cli.RunAsync(workspace.RootDirectory, "session", "show", session.Id.Value),
            await Cli.RunAsync(workspace.RootDirectory, "session", "show", session.Id.Value, "--json"),
            await Cli.RunAsync(workspace.RootDirectory, "session", "list"),
            await Cli.RunAsync(workspace.RootDirectory, "session", "export", session.Id.Value, "-o", export),
            await Cli.RunAsync(copy.RootDirectory, "session", "import", export),
            await Cli.RunAsync(copy.RootDirectory, "session", "show", session.Id.Value),
        };
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        List<string> raw = results.Where(r => !r.Stdout.TrimStart().StartsWith('{') && !r.Stdout.TrimStart().StartsWith('[')).SelectMany(r => RawControlCharacters(r.Stdout + r.Stderr)).ToList();
        Assert.Equal(names.Length, Db.Count(copy.DatabasePath, "SELECT count(*) FROM artifacts"));

        // Nothing was written outside the two workspaces' .agent/ and the export file; no file carries an artifact's name.
        // (Symbolic links are not followed: other tests running at the same time may leave link cycles under /tmp.)
        List<string> outside = FileSnapshot.Changes(before, FileSnapshot.Take(scratch.Root),
            p => p.StartsWith(Path.Combine("ws", ".agent"), StringComparison.Ordinal) || p.StartsWith(Path.Combine("copy", ".agent"), StringComparison.Ordinal) || p == "names.jsonl");
        List<string> escaped = Directory.EnumerateFileSystemEntries("/tmp", $"*{marker}*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }).ToList();
        string figure = $"{names.Length} hostile artifact names (../, absolute, backslash, encoded, ESC/BEL/CR/NUL/DEL, RTL override, 4096 slashes): stored verbatim {names.Length}/{names.Length}, " +
                        $"round trip through export/import {names.Length}/{names.Length}; {outside.Count + escaped.Count} files written outside the workspace; {raw.Count} raw control characters reached the terminal in 6 commands";
        Figures.Report(output, "S7 artifact names", figure);
        Assert.True(outside.Count + escaped.Count + raw.Count == 0, figure + "\n" + string.Join('\n', outside.Concat(escaped).Concat(raw)));
    }

    [Fact]
    [Trait("Scenario", "7")]
    [Trait("AC", "AC-053")]
    public async Task A_session_with_50_000_events_is_saved_loaded_exported_and_imported_in_bounded_time()
    {
        int events = Knobs.Events;
        using var scratch = new Scratch();
        var workspace = new Workspace(scratch.Dir("ws"));
        var times = new List<string>();
        var clock = Stopwatch.StartNew();
        Session session;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace))
        {
            var store = new SqliteRunStateStore(database);
            session = Session.Create("fifty thousand events");
            for (int i = 1; i <= events; i++)
            {
                session.AppendEvent("tick", string.Create(CultureInfo.InvariantCulture, $"{{\"i\":{i}}}"));
                if (i % 1000 == 0 || i == events)
                {
                    await store.SaveAsync(session);
                }
            }

            times.Add($"saved in {clock.Elapsed.TotalSeconds:0.0} s");
            clock.Restart();
            Session loaded = (await store.GetSessionAsync(session.Id))!;
            Assert.Equal(events + 1, loaded.LastEventSequence);
            times.Add($"loaded in {clock.ElapsedMilliseconds} ms");
        }

        string export = scratch.PathOf("events.jsonl");
        clock.Restart();
        RunResult exported = await Cli.RunAsync(workspace.RootDirectory, "session", "export", session.Id.Value, "-o", export);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        times.Add($"exported by the CLI in {clock.Elapsed.TotalSeconds:0.0} s ({new FileInfo(export).Length / 1024 / 1024} MB)");
        var copy = new Workspace(scratch.Dir("copy"));
        clock.Restart();
        RunResult imported = await Cli.RunAsync(copy.RootDirectory, "session", "import", export);
        Assert.True(imported.ExitCode == 0, imported.ToString());
        times.Add($"imported in {clock.Elapsed.TotalSeconds:0.0} s");
        clock.Restart();
        RunResult show = await Cli.RunAsync(copy.RootDirectory, "session", "show", session.Id.Value);
        Assert.True(show.ExitCode == 0 && show.Stdout.Contains($"Events {events + 1}", StringComparison.Ordinal), show.ToString());
        times.Add($"'session show' in {clock.ElapsedMilliseconds} ms");
        Assert.Equal(events + 1, Db.Count(copy.DatabasePath, "SELECT count(*) FROM session_events"));
        Assert.Equal(events + 1, Db.Count(copy.DatabasePath, "SELECT count(DISTINCT sequence) FROM session_events"));
        string figure = $"{events + 1} events in one session: " + string.Join(", ", times);
        Figures.Report(output, "S7 50 000 events", figure);
    }

    [Fact]
    [Trait("Scenario", "7")]
    [Trait("AC", "AC-059")]
    public async Task Forged_export_documents_are_refused_with_a_clear_error_or_stored_verbatim_and_never_crash()
    {
        using var scratch = new Scratch();
        var source = new Workspace(scratch.Dir("source"));
        Session victim, template;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(source))
        {
            var store = new SqliteRunStateStore(database);
            victim = BuildRich("the victim");
            template = BuildRich("the template");
            await store.SaveAsync(victim);
            await store.SaveAsync(template);
        }

        string victimExport = await ExportAsync(source, [victim.Id]);
        byte[] valid = Encoding.UTF8.GetBytes(await ExportAsync(source, [template.Id]));
        string victimTask = victim.Tasks[0].Id.Value;
        JsonNode Deep(int depth) => JsonValue.Create(Nested(depth))!;
        var forged = new List<(string Name, byte[] Bytes)>
        {
            ("session state \"42\"", ReplaceJson(valid, "Session", "state", "42")),
            ("session state \"Completed, Failed\" (an enum combination)", ReplaceJson(valid, "Session", "state", "Completed, Failed")),
            ("session state \"completed\" (wrong case)", ReplaceJson(valid, "Session", "state", "completed")),
            ("session state with an escape sequence", ReplaceJson(valid, "Session", "state", "\u001b[2J")),
            ("task state \"9\"", ReplaceJson(valid, "SessionTask", "state", "9")),
            ("tool call status \"7\"", ReplaceJson(valid, "ToolCall", "status", "7")),
            ("artifact kind \"99\"", ReplaceJson(valid, "Artifact", "kind", "99")),
            ("session title null", ReplaceJson(valid, "Session", "title", null)),
            ("session title blank", ReplaceJson(valid, "Session", "title", "   ")),
            ("tool name blank", ReplaceJson(valid, "ToolCall", "toolName", "")),
            ("tool arguments not JSON", ReplaceJson(valid, "ToolCall", "arguments", "not json {")),
            ("tool arguments nested 10 000 deep", ReplaceJson(valid, "ToolCall", "arguments", Deep(10_000))),
            ("event payload not JSON", ReplaceJson(valid, "SessionEvent", "payload", "{{{")),
            ("event type blank", ReplaceJson(valid, "SessionEvent", "type", "")),
            ("event sequence 0", ReplaceJson(valid, "SessionEvent", "sequence", 0)),
            ("artifact content hash with an escape sequence", ReplaceJson(valid, "Artifact", "contentHash", "ab\u001b[31mX")),
            ("artifact content hash not matching its content", ReplaceJson(valid, "Artifact", "contentHash", new string('a', 64))),
            ("artifact size negative", ReplaceJson(valid, "Artifact", "size", -5)),
            ("artifact name of 5 000 characters", ReplaceJson(valid, "Artifact", "name", new string('x', 5000))),
            ("artifact media type blank", ReplaceJson(valid, "Artifact", "mediaType", " ")),
            ("version 0", ReplaceJson(valid, "Step", "version", 0)),
            ("timestamp not in the documented format", ReplaceJson(valid, "Step", "updatedAt", "yesterday")),
            ("id with the wrong prefix", ReplaceJson(valid, "SessionTask", "id", "step_01JD3Z6Q6V2K8M4N5P7R9S1T3V")),
            ("id with an escape sequence", ReplaceJson(valid, "SessionTask", "id", "task_\u001b[2J")),
            ("payload schema 2 (newer)", ReplaceJson(valid, "Step", "schema", 2)),
            ("unknown entity type", ReplaceJson(valid, "Step", "entity", "Planet")),
            ("another session's task id at a higher version", ReplaceJson(ReplaceJson(ReplaceJson(valid, "SessionTask", "id", victimTask), "SessionTask", "version", 99), "Step", "taskId", victimTask)),
        };
        // Every forged file is imported into a workspace that already holds the victim (imported once through the CLI, then copied).
        var baseline = new Workspace(scratch.Dir("baseline"));
        string victimFile = scratch.PathOf("victim.jsonl");
        await File.WriteAllTextAsync(victimFile, victimExport);
        Assert.Equal(0, (await Cli.RunAsync(baseline.RootDirectory, "session", "import", victimFile)).ExitCode);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        int index = 0;
        foreach ((string name, byte[] bytes) in forged)
        {
            var target = new Workspace(scratch.Dir($"target-{index++}"));
            Directory.CreateDirectory(target.AgentDirectory);
            File.Copy(baseline.DatabasePath, target.DatabasePath);
            string file = scratch.PathOf($"forged-{index}.jsonl");
            await File.WriteAllBytesAsync(file, bytes);
            RunResult result = await Cli.RunAsync(target.RootDirectory, "session", "import", file);
            List<string> raw = RawControlCharacters(result.Stdout + result.Stderr);
            string outcome = result.ExitCode switch
            {
                0 => "stored",
                2 when result.Stderr.Contains("not a valid acode export", StringComparison.Ordinal) && result.Stderr.Contains("Line ", StringComparison.Ordinal) => "refused naming the line",
                2 when result.Stderr.Contains("not a valid acode export", StringComparison.Ordinal)
                    || result.Stderr.Contains("is stored in this workspace already, in session", StringComparison.Ordinal) => "refused naming the conflicting row",
                _ => $"exit {result.ExitCode}",
            };
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (outcome.StartsWith("exit", StringComparison.Ordinal) || raw.Count > 0)
            {
                problems.Add($"{name}: {result}\n{string.Join('\n', raw)}");
            }

            if (result.ExitCode == 0 && Lines(Encoding.UTF8.GetString(bytes)).Order(StringComparer.Ordinal).SequenceEqual(Lines(await ExportAsync(target, [template.Id])).Order(StringComparer.Ordinal)) == false)
            {
                problems.Add($"{name}: stored, but not verbatim");
            }

            // The session already in the workspace is intact, and every session still shows.
            if (Lines(await ExportAsync(target, [victim.Id])).Order(StringComparer.Ordinal).SequenceEqual(Lines(victimExport).Order(StringComparer.Ordinal)) == false)
            {
                problems.Add($"{name}: the other session in the workspace was changed");
            }

            foreach (SessionId id in result.ExitCode == 0 ? new[] { victim.Id, template.Id } : [victim.Id])
            {
                RunResult show = await Cli.RunAsync(target.RootDirectory, "session", "show", id.Value);
                if (show.ExitCode is not (0 or 1) || RawControlCharacters(show.Stdout + show.Stderr).Count > 0)
                {
                    problems.Add($"{name}: session show {id} → {show}");
                }
            }
        }

        string figure = $"{forged.Count} forged export documents: {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Value} {o.Key}"))}; " +
                        $"{problems.Count} problems (crash, raw control characters, stored but altered, another session changed, show failing)";
        Figures.Report(output, "S7 forged documents", figure);
        Assert.True(problems.Count == 0, figure + "\n" + string.Join("\n\n", problems));
    }

    private static Session BuildRich(string title)
    {
        Session session = Session.Create(title, "goal");
        Step step = session.AddTask("task").AddStep("step");
        ToolCall call = step.AddToolCall("run", "{\"a\":[1,2]}");
        call.Succeed("output with NUL\0 and ESC\u001b[0m");
        session.AddArtifact("report.txt", ArtifactKind.File, "text/plain", Encoding.UTF8.GetBytes("report"), step.Id, call.Id);
        session.AddArtifactReference("big.log", ArtifactKind.Log, "text/plain", 12345, new string('b', 64));
        session.AppendEvent("note", "{\"n\":1}");
        session.AppendEvent("note", "{\"n\":2}");
        return session;
    }

    private static string SchemaOf(string path)
        => string.Join('\n', Db.Strings(path, "SELECT type || ':' || name || ':' || ifnull(sql, '') FROM sqlite_schema ORDER BY name;"));

    private static async Task<string> ExportAsync(Workspace workspace, IEnumerable<SessionId> ids)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace);
        var store = new SqliteRunStateStore(database);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        foreach (SessionId id in ids)
        {
            await SessionArchive.WriteAsync(writer, store, (await store.GetSessionAsync(id))!);
        }

        return writer.ToString();
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Characters that would drive a terminal: C0 controls except newline, DEL, C1 controls, bidi overrides, line separators.</summary>
    internal static List<string> RawControlCharacters(string text)
        => text.Select((c, i) => (c, i))
            .Where(x => (x.c < 0x20 && x.c != '\n') || x.c is '\u007f' or '\u2028' or '\u2029' || (x.c >= 0x80 && x.c < 0xA0) || x.c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
            .Select(x => $"U+{(int)x.c:X4} at {x.i}: …{Printable(text.Substring(Math.Max(0, x.i - 20), Math.Min(40, text.Length - Math.Max(0, x.i - 20))))}…")
            .ToList();

    internal static string Printable(string text)
    {
        var builder = new StringBuilder();
        foreach (char c in text.Length > 40 ? text[..40] + "…" : text)
        {
            builder.Append(char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return builder.ToString();
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static string TenMegabytesOfOutput()
    {
        var text = new StringBuilder(10 * 1024 * 1024 + 100);
        for (int i = 0; text.Length < 10 * 1024 * 1024; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{i:D8}] compiling src/Module{i % 997}.cs … ok\0\t\"quoted\" \\ backslash ünïcödé\n");
        }

        return text.ToString();
    }

    private static byte[] RandomBytes(int length)
    {
        byte[] bytes = new byte[length];
        new Random(Knobs.Seed + 7).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Replace(byte[] source, byte[] find, byte[] replacement)
    {
        int at = source.AsSpan().IndexOf(find);
        Assert.True(at >= 0);
        return [.. source[..at], .. replacement, .. source[(at + find.Length)..]];
    }

    /// <summary>The export with one property of the first document of <paramref name="entity"/> replaced.</summary>
    internal static byte[] ReplaceJson(byte[] export, string entity, string property, JsonNode? value)
    {
        var lines = Encoding.UTF8.GetString(export).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        int index = lines.FindIndex(l => JsonNode.Parse(l)!["entity"]!.GetValue<string>() == entity);
        Assert.True(index >= 0, $"no {entity} line");
        JsonObject document = JsonNode.Parse(lines[index])!.AsObject();
        document[property] = value;
        lines[index] = document.ToJsonString();
        return Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
    }
}

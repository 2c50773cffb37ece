using Acode.Application;
using Acode.Application.Queries;
using Acode.Application.Redaction;
using Acode.Application.Serialization;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>
/// Every write path redacts on both engines (docs/secrets.md): an append and an import replace secrets before anything is
/// stored and count them in one <c>secrets.redacted</c> event at the end of the log; a second import redacts nothing new.
/// The free-text labels (session title and goal, task and step titles and descriptions, artifact names) are scanned like
/// content: importers build them from transcript text.
/// </summary>
public abstract partial class RunStateStoreContractTests
{
    private static readonly string GitHubToken = "gh" + "p_" + "R8f2KqLx93VbT1mNzW6yHc4PjD0sAeGu7oXi";
    private static readonly string UrlPassword = "hunter2" + "xyzQ";
    private static readonly string DatabaseUrl = "postgres://app:" + UrlPassword + "@db:5432/x";

    [Fact]
    public async Task AppendEventAsync_redacts_the_payload_and_the_type_and_counts_them_in_a_secrets_redacted_event()
    {
        Session session = await Store.CreateSessionAsync("append with a secret");

        (EventId id, long sequence) = (await Store.AppendEventAsync(session.Id, "http.request " + GitHubToken, $$"""{"token":"{{GitHubToken}}"}"""))!.Value;

        Session loaded = (await Store.GetSessionAsync(session.Id))!;
        IReadOnlyList<SessionEvent> events = await Store.ReadEventsAsync(loaded);
        SessionEvent appended = Assert.Single(events, e => e.Id == id);
        Assert.Equal(sequence, appended.Sequence);
        Assert.DoesNotContain(GitHubToken, appended.PayloadJson, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:github-token]", appended.PayloadJson, StringComparison.Ordinal);
        Assert.Equal("http.request [REDACTED:github-token]", appended.Type); // trial AU 5: the type is the caller's free text
        SessionEvent counted = Assert.Single(events, e => e.Type == SessionEventTypes.SecretsRedacted);
        Assert.Equal(sequence + 1, counted.Sequence);
        Assert.Equal("""{"count":2,"kinds":{"github-token":2}}""", counted.PayloadJson);
    }

    [Fact]
    public async Task ImportAsync_redacts_what_it_writes_and_a_second_import_redacts_nothing_new()
    {
        const string Marker = "TOKEN-PLACEHOLDER";
        Session original = TestSessions.Rich();
        original.Tasks[0].Steps[0].AddToolCall("env", "{}").Succeed("GH=" + Marker);
        string[] lines = await ExportEditedAsync(original, line => line.Replace(Marker, GitHubToken, StringComparison.Ordinal));

        await ImportTwiceAsync(lines);

        Session imported = (await Store.GetSessionAsync(original.Id))!;
        Assert.Contains(imported.Tasks[0].Steps[0].ToolCalls, c => c.Result == "GH=[REDACTED:github-token]");
        Assert.DoesNotContain(GitHubToken, string.Join("\n", TestSessions.Documents(imported)), StringComparison.Ordinal);
        IReadOnlyList<SessionEvent> events = await Store.ReadEventsAsync(imported);
        SessionEvent counted = Assert.Single(events, e => e.Type == SessionEventTypes.SecretsRedacted);
        Assert.Equal(events.Max(e => e.Sequence), counted.Sequence);
        Assert.Equal("""{"count":1,"kinds":{"github-token":1}}""", counted.PayloadJson);
    }

    [Fact]
    public async Task SaveAsync_redacts_titles_goals_descriptions_and_artifact_names_in_the_held_session_and_the_rows()
    {
        Session session = Session.Create("deploy with " + GitHubToken, "deploy with " + DatabaseUrl);
        SessionTask task = session.AddTask("Sub-agent: use " + GitHubToken, "connect to " + DatabaseUrl);
        task.AddStep(GitHubToken, "token " + GitHubToken);
        session.AddArtifact("https://app:" + UrlPassword + "@files/x.txt", ArtifactKind.File, "text/plain", "plain text"u8.ToArray());

        await Store.SaveAsync(session);

        // The session.created event's payload repeats the title: 5 tokens (title, task title, step title and description,
        // event) and 3 passwords (goal, task description, artifact name).
        Session loaded = (await Store.GetSessionAsync(session.Id))!;
        foreach (Session s in new[] { session, loaded })
        {
            Assert.Equal("deploy with [REDACTED:github-token]", s.Title);
            Assert.Equal("deploy with postgres://app:[REDACTED:url-password]@db:5432/x", s.Goal);
            Assert.Equal("Sub-agent: use [REDACTED:github-token]", s.Tasks[0].Title);
            Assert.Equal("connect to postgres://app:[REDACTED:url-password]@db:5432/x", s.Tasks[0].Description);
            Assert.Equal("[REDACTED:github-token]", s.Tasks[0].Steps[0].Title);
            Assert.Equal("token [REDACTED:github-token]", s.Tasks[0].Steps[0].Description);
            Assert.Equal("https://app:[REDACTED:url-password]@files/x.txt", s.Artifacts[0].Name);
        }

        IReadOnlyList<SessionEvent> events = await Store.ReadEventsAsync(loaded);
        string stored = string.Join("\n", TestSessions.Documents(loaded).Concat(TestSessions.Documents(events)));
        Assert.DoesNotContain(GitHubToken, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(UrlPassword, stored, StringComparison.Ordinal);
        SessionEvent counted = Assert.Single(events, e => e.Type == SessionEventTypes.SecretsRedacted);
        Assert.Equal("""{"count":8,"kinds":{"github-token":5,"url-password":3}}""", counted.PayloadJson);
        Page<SessionSummary> listed = await Store.QuerySessionsAsync(SessionFilter.All, SessionSort.CreatedDescending, new PaginationOptions());
        Assert.Equal("deploy with [REDACTED:github-token]", Assert.Single(listed.Items).Title);

        // Saved again (another change), the redacted labels are nothing new: no second count.
        session.Tasks[0].Start();
        await Store.SaveAsync(session);
        Assert.Single(await Store.ReadEventsAsync(session), e => e.Type == SessionEventTypes.SecretsRedacted);
    }

    [Fact]
    public async Task CreateSessionAsync_redacts_the_title_and_goal_and_a_title_that_is_only_a_secret_becomes_its_marker()
    {
        Session created = await Store.CreateSessionAsync(GitHubToken, DatabaseUrl);

        Session loaded = (await Store.GetSessionAsync(created.Id))!;
        Assert.Equal("[REDACTED:github-token]", created.Title);
        Assert.Equal("[REDACTED:github-token]", loaded.Title);
        Assert.Equal("postgres://app:[REDACTED:url-password]@db:5432/x", loaded.Goal);
    }

    [Fact]
    public async Task ImportAsync_redacts_the_labels_it_writes_and_a_second_import_writes_and_redacts_nothing()
    {
        // The source stores placeholders (a URL with any password would be redacted there already); the export is then edited.
        const string Token = "TOKEN-PLACEHOLDER", Url = "URL-PLACEHOLDER";
        Session original = Session.Create("deploy with " + Token, "use " + Url);
        original.AddTask("Sub-agent: " + Token, "token " + Token).AddStep("step " + Token, Url);
        original.AddArtifact("file " + Url, ArtifactKind.File, "text/plain", "plain text"u8.ToArray());
        string[] lines = await ExportEditedAsync(original, line => line.Replace(Token, GitHubToken, StringComparison.Ordinal).Replace(Url, DatabaseUrl, StringComparison.Ordinal));

        IReadOnlyList<ImportResult> results = await ImportTwiceAsync(lines);

        Session imported = (await Store.GetSessionAsync(original.Id))!;
        Assert.Equal("deploy with [REDACTED:github-token]", imported.Title);
        Assert.Equal("use postgres://app:[REDACTED:url-password]@db:5432/x", imported.Goal);
        Assert.Equal("Sub-agent: [REDACTED:github-token]", imported.Tasks[0].Title);
        Assert.Equal("token [REDACTED:github-token]", imported.Tasks[0].Description);
        Assert.Equal("step [REDACTED:github-token]", imported.Tasks[0].Steps[0].Title);
        Assert.Equal("postgres://app:[REDACTED:url-password]@db:5432/x", imported.Tasks[0].Steps[0].Description);
        Assert.Equal("file postgres://app:[REDACTED:url-password]@db:5432/x", imported.Artifacts[0].Name);
        IReadOnlyList<SessionEvent> events = await Store.ReadEventsAsync(imported);
        string stored = string.Join("\n", TestSessions.Documents(imported).Concat(TestSessions.Documents(events)));
        Assert.DoesNotContain(GitHubToken, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(UrlPassword, stored, StringComparison.Ordinal);
        SessionEvent counted = Assert.Single(events, e => e.Type == SessionEventTypes.SecretsRedacted);
        Assert.Equal("""{"count":8,"kinds":{"github-token":5,"url-password":3}}""", counted.PayloadJson);
        Assert.Equal(0, results[1].Inserted + results[1].Updated);
    }

    [Fact]
    public async Task Tool_names_event_types_and_media_types_are_redacted_when_saved_and_imported_and_counted_once()
    {
        // Trial AU 5: these are the caller's free text, and were stored, shown and synced as they came.
        Session saved = Session.Create("names");
        saved.AddTask("task").AddStep("step").AddToolCall("curl " + GitHubToken, "{}").Succeed("ok");
        saved.AddArtifact("a.txt", ArtifactKind.File, "text/plain; token=" + GitHubToken, "plain text"u8.ToArray());
        saved.AppendEvent("note." + GitHubToken);

        await Store.SaveAsync(saved);

        await AssertNamesRedacted(saved.Id);

        const string Token = "TOKEN-PLACEHOLDER";
        Session original = Session.Create("names imported");
        original.AddTask("task").AddStep("step").AddToolCall("curl " + Token, "{}").Succeed("ok");
        original.AddArtifact("a.txt", ArtifactKind.File, "text/plain; token=" + Token, "plain text"u8.ToArray());
        original.AppendEvent("note." + Token);
        string[] lines = await ExportEditedAsync(original, line => line.Replace(Token, GitHubToken, StringComparison.Ordinal));
        IReadOnlyList<ImportResult> results = await ImportTwiceAsync(lines);

        await AssertNamesRedacted(original.Id);
        Assert.Equal(0, results[1].Inserted + results[1].Updated);

        async Task AssertNamesRedacted(SessionId id)
        {
            Session loaded = (await Store.GetSessionAsync(id))!;
            Assert.Equal("curl [REDACTED:github-token]", loaded.Tasks[0].Steps[0].ToolCalls[0].ToolName);
            Assert.Equal("text/plain; token=[REDACTED:github-token]", loaded.Artifacts[0].MediaType);
            IReadOnlyList<SessionEvent> events = await Store.ReadEventsAsync(loaded);
            Assert.Contains(events, e => e.Type == "note.[REDACTED:github-token]");
            Assert.DoesNotContain(GitHubToken, string.Join("\n", TestSessions.Documents(loaded).Concat(TestSessions.Documents(events))), StringComparison.Ordinal);
            SessionEvent counted = Assert.Single(events, e => e.Type == SessionEventTypes.SecretsRedacted);
            Assert.Equal("""{"count":3,"kinds":{"github-token":3}}""", counted.PayloadJson);
        }
    }

    [Fact]
    public async Task Text_that_is_not_UTF8_is_redacted_byte_for_byte_and_binary_content_is_stored_as_given()
    {
        // Trial AU 4: one Latin-1 byte (the é of "café") turned the scan off for the whole file.
        byte[] latin1 = [.. "# caf"u8, 0xE9, .. "\nGITHUB_TOKEN="u8, .. System.Text.Encoding.ASCII.GetBytes(GitHubToken), .. "\n"u8];
        // Trial AX X3: PowerShell 5 writes its logs in UTF-16 with a byte order mark.
        byte[] utf16 = [.. System.Text.Encoding.Unicode.GetPreamble(), .. System.Text.Encoding.Unicode.GetBytes("token=" + GitHubToken + "\r\n")];
        byte[] withNul = [.. latin1, 0x00, 0x01];
        // Trial AY F6: one stray last byte (a capture cut at a byte limit) made the whole UTF-16 log unreadable.
        byte[] cutUtf16 = [.. utf16, 0x41];
        Session session = Session.Create("latin-1");
        session.AddArtifact(".env", ArtifactKind.File, "text/plain", latin1);
        session.AddArtifact("build.log", ArtifactKind.Log, "text/plain; charset=utf-16", utf16);
        session.AddArtifact("scan.png", ArtifactKind.Other, "image/png", latin1);
        session.AddArtifact("report.docx", ArtifactKind.File, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", latin1); // a zip (AX X2)
        session.AddArtifact("blob.txt", ArtifactKind.Log, "text/plain", withNul);
        session.AddArtifact("cut.log", ArtifactKind.Log, "text/plain", cutUtf16);

        await Store.SaveAsync(session);

        Session loaded = (await Store.GetSessionAsync(session.Id))!;
        byte[] expected = [.. "# caf"u8, 0xE9, .. "\nGITHUB_TOKEN=[REDACTED:github-token]\n"u8];
        Assert.Equal(expected, Content(".env"));
        Assert.Equal([.. System.Text.Encoding.Unicode.GetPreamble(), .. System.Text.Encoding.Unicode.GetBytes("token=[REDACTED:github-token]\r\n")], Content("build.log"));
        Assert.Equal(latin1, Content("scan.png"));
        Assert.Equal(latin1, Content("report.docx"));
        Assert.Equal([.. expected, 0x00, 0x01], Content("blob.txt")); // declared text holding a NUL is read as Latin-1 too (trial AY F5)
        Assert.Equal([.. Content("build.log"), 0x41], Content("cut.log"));
        SessionEvent counted = Assert.Single(await Store.ReadEventsAsync(loaded), e => e.Type == SessionEventTypes.SecretsRedacted);
        Assert.Equal("""{"count":4,"kinds":{"github-token":4}}""", counted.PayloadJson);

        byte[] Content(string name) => loaded.Artifacts.Single(a => a.Name == name).Content!.Value.ToArray();
    }

    [Fact]
    public async Task Every_part_of_an_artifact_in_more_than_one_encoding_has_its_secrets_redacted()
    {
        // Shown in one encoding, redacted in each: trials BC F1, BD F4, F5, BE F1-F3 each stored a secret in the clear.
        const string Marker = "[REDACTED:github-token]";
        const string Password = "Xk9pQ2zW7q";
        var utf16 = System.Text.Encoding.Unicode;
        var utf8 = System.Text.Encoding.UTF8;
        var latin1 = System.Text.Encoding.Latin1;
        const string Chinese = "这是一个测试上下不也来大地为子生会年后作用"; // its UTF-16LE bytes are valid UTF-8
        (string Name, byte[] Content, byte[] Expected)[] cases =
        [
            ("short Chinese UTF-16 valid as UTF-8", utf16.GetBytes("这是一个 token: " + GitHubToken + "\n"), utf16.GetBytes("这是一个 token: " + Marker + "\n")),
            ("longer Chinese UTF-16 valid as UTF-8", utf16.GetBytes(Chinese + Chinese + " " + GitHubToken), utf16.GetBytes(Chinese + Chinese + " " + Marker)),
            ("UTF-8 line then more UTF-16", [.. utf8.GetBytes("token=" + GitHubToken + "\n"), .. utf16.GetBytes("The operation completed successfully.\r\n")], [.. utf8.GetBytes("token=" + Marker + "\n"), .. utf16.GetBytes("The operation completed successfully.\r\n")]),
            ("UTF-8 with a short UTF-16 path", [.. utf8.GetBytes("日志开始\n密码设置 password=" + Password + "\n"), .. utf16.GetBytes("C:\\Users\\runner\\work"), .. utf8.GetBytes("\n结束\n")], [.. utf8.GetBytes("日志开始\n密码设置 password=[REDACTED:generic-secret]\n"), .. utf16.GetBytes("C:\\Users\\runner\\work"), .. utf8.GetBytes("\n结束\n")]),
            ("Latin-1 with a short UTF-16 path", [.. latin1.GetBytes("Ergebnis: Größe überprüft\n"), .. utf16.GetBytes("C:\\Users\\runner\\work"), .. latin1.GetBytes("\nKennwort für DB: password=" + Password + "\n")], [.. latin1.GetBytes("Ergebnis: Größe überprüft\n"), .. utf16.GetBytes("C:\\Users\\runner\\work"), .. latin1.GetBytes("\nKennwort für DB: password=[REDACTED:generic-secret]\n")]),
            ("a line of ASCII then a UTF-16 token", [.. "build started 2026-01-15 10:00:00\n"u8, .. utf16.GetBytes(GitHubToken + "\r\n")], [.. "build started 2026-01-15 10:00:00\n"u8, .. utf16.GetBytes(Marker + "\r\n")]),
            ("a UTF-16 token at an odd offset", [.. "x\n"u8, .. "y"u8, .. utf16.GetBytes(GitHubToken + "\n")], [.. "x\n"u8, .. "y"u8, .. utf16.GetBytes(Marker + "\n")]),
            ("box drawing then a token, UTF-16BE", System.Text.Encoding.BigEndianUnicode.GetBytes(new string('═', 16) + GitHubToken), System.Text.Encoding.BigEndianUnicode.GetBytes(new string('═', 16) + Marker)),
        ];
        Session session = Session.Create("mixed encodings");
        foreach ((string name, byte[] content, _) in cases)
        {
            session.AddArtifact(name, ArtifactKind.Log, "text/plain", content);
        }

        await Store.SaveAsync(session);

        Session loaded = (await Store.GetSessionAsync(session.Id))!;
        foreach ((string name, _, byte[] expected) in cases)
        {
            Assert.True(expected.AsSpan().SequenceEqual(loaded.Artifacts.Single(a => a.Name == name).Content!.Value.Span), name);
        }
    }

    [Fact]
    public async Task An_artifact_name_a_marker_makes_longer_than_the_limit_is_cut_to_it_and_its_export_imports_again()
    {
        string tail = " https://app:" + UrlPassword + "@files";
        string name = new string('n', Artifact.MaxNameLength - tail.Length) + tail;
        Session session = Session.Create("long artifact name");
        session.AddArtifact(name, ArtifactKind.File, "text/plain", "plain text"u8.ToArray());

        await Store.SaveAsync(session);

        Session loaded = (await Store.GetSessionAsync(session.Id))!;
        string stored = loaded.Artifacts[0].Name;
        Assert.Equal(Artifact.MaxNameLength, stored.Length);
        Assert.StartsWith(name[..^tail.Length] + " https://app:[REDACTED:url-pa", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(UrlPassword, stored, StringComparison.Ordinal);
        var builder = new SessionGraphBuilder();
        foreach (string line in TestSessions.Documents(loaded))
        {
            builder.Add(EntityJson.Deserialize(line));
        }

        Assert.Equal(stored, builder.Session!.Artifacts[0].Name);
    }

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public async Task A_transcript_import_redacts_a_prompt_before_cutting_its_title_so_no_piece_of_a_password_is_stored(string agent)
    {
        const string Key = "12345670-0000-4000-8000-000000000001";
        string password = "Zx9Qw8Er7Ty6Ui5Op4" + "As3Df2Gh1Jk0LzXcVbNm";
        string prompt = System.Text.Json.JsonSerializer.Serialize($"postgres://averyveryverylongusernameforthedb:{password}@db.internal:5432/app fails to connect");
        string folder = Path.Combine(Path.GetTempPath(), "acode-cut-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, agent == "codex" ? $"rollout-2026-11-20T10-00-00-{Key}.jsonl" : $"{Key}.jsonl");
            await File.WriteAllTextAsync(path, agent == "codex"
                ? $$$"""
                  {"timestamp":"2026-11-20T10:00:00.000Z","type":"session_meta","payload":{"id":"{{{Key}}}","timestamp":"2026-11-20T10:00:00.000Z","cwd":"/p","originator":"codex_cli_rs","cli_version":"0.46.0","source":"cli"}}
                  {"timestamp":"2026-11-20T10:00:01.000Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":{{{prompt}}}}]}}

                  """
                : $$$"""
                  {"type":"user","uuid":"u1","parentUuid":null,"sessionId":"{{{Key}}}","timestamp":"2026-11-20T10:00:00.000Z","cwd":"/p","version":"2.0.14","message":{"role":"user","content":{{{prompt}}}}}

                  """);
            Acode.Infrastructure.Transcripts.TranscriptImporter importer = agent == "codex"
                ? new Acode.Infrastructure.Transcripts.CodexTranscriptImporter(Store)
                : new Acode.Infrastructure.Transcripts.ClaudeCodeTranscriptImporter(Store);

            Acode.Application.Transcripts.TranscriptImportReport report = await importer.ImportFileAsync(path);

            Session session = (await Store.GetSessionAsync(SessionId.Parse(report.SessionId!)))!;
            SessionTask task = Assert.Single(session.Tasks);
            string labels = session.Title + "\n" + task.Title;
            Assert.StartsWith("postgres://averyveryverylongusernameforthedb:[REDACTED:url-password]@db", session.Title, StringComparison.Ordinal);
            for (int i = 0; i + 6 <= password.Length; i++)
            {
                Assert.DoesNotContain(password.Substring(i, 6), labels, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
    [Fact]
    public async Task A_transcript_imported_after_each_line_counts_its_secrets_as_a_one_shot_import_does()
    {
        const string Grown = "22222222-2222-4333-8444-555555555555", OneShot = "33333333-2222-4333-8444-555555555555";
        string apiKey = "sk-ant-api03-" + "AbCdEf1234567890GhIjKlMnOpQrStUvWxYz0987654321abcd";
        string Line(string key, string json) => json.Replace("KEY", key, StringComparison.Ordinal);
        string[] lines =
        [
            $$$"""{"type":"user","uuid":"a1","parentUuid":null,"isSidechain":false,"sessionId":"KEY","timestamp":"2026-11-30T10:00:00Z","cwd":"/r","version":"2.0.30","message":{"role":"user","content":"use key {{{apiKey}}}"}}""",
            $$$"""{"type":"assistant","uuid":"b1","parentUuid":"a1","isSidechain":false,"sessionId":"KEY","timestamp":"2026-11-30T10:00:01Z","cwd":"/r","version":"2.0.30","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"export GH={{{GitHubToken}}}"}}],"stop_reason":null}}""",
            """{"type":"user","uuid":"c1","parentUuid":"b1","isSidechain":false,"sessionId":"KEY","timestamp":"2026-11-30T10:00:02Z","cwd":"/r","version":"2.0.30","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}}""",
            .. Enumerable.Range(2, 4).Select(i => $$$"""{"type":"assistant","uuid":"b{{{i}}}","parentUuid":"c1","isSidechain":false,"sessionId":"KEY","timestamp":"2026-11-30T10:00:0{{{i + 1}}}Z","cwd":"/r","version":"2.0.30","message":{"id":"m{{{i}}}","role":"assistant","model":"m","content":[{"type":"text","text":"part {{{i}}}"}],"stop_reason":null}}"""),
        ];
        string folder = Path.Combine(Path.GetTempPath(), "acode-grown-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var importer = new Acode.Infrastructure.Transcripts.ClaudeCodeTranscriptImporter(Store);
            string grown = Path.Combine(folder, Grown + ".jsonl");
            string? grownId = null;
            for (int n = 1; n <= lines.Length; n++)
            {
                await File.WriteAllTextAsync(grown, string.Concat(lines.Take(n).Select(l => Line(Grown, l) + "\n")));
                grownId = (await importer.ImportFileAsync(grown)).SessionId;
            }

            string whole = Path.Combine(folder, OneShot + ".jsonl");
            await File.WriteAllTextAsync(whole, string.Concat(lines.Select(l => Line(OneShot, l) + "\n")));
            string oneShotId = (await importer.ImportFileAsync(whole)).SessionId!;

            long oneShotCount = await RedactedCountAsync(oneShotId);
            Assert.Equal(3, oneShotCount); // the goal, the prompt's event, the tool call's arguments (the step's event too when it holds them)
            Assert.Equal(oneShotCount, await RedactedCountAsync(grownId!));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The sum of the counts of the session's <c>secrets.redacted</c> events.</summary>
    private async Task<long> RedactedCountAsync(string sessionId)
    {
        Session session = (await Store.GetSessionAsync(SessionId.Parse(sessionId)))!;
        return (await Store.ReadEventsAsync(session, limit: 100_000))
            .Where(e => e.Type == SessionEventTypes.SecretsRedacted)
            .Sum(e => System.Text.Json.JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("count").GetInt64());
    }

    /// <summary>
    /// Saves <paramref name="original"/> to the source store and gives its export (the session's documents, then its
    /// events), each line edited: the source holds placeholders, which the edit turns into secrets, as a hand-edited
    /// export would.
    /// </summary>
    private async Task<string[]> ExportEditedAsync(Session original, Func<string, string> edit)
    {
        await Source.SaveAsync(original);
        Session exported = (await Source.GetSessionAsync(original.Id))!;
        return [.. TestSessions.Documents(exported).Concat(TestSessions.Documents(await Source.ReadEventsAsync(exported))).Select(edit)];
    }

    /// <summary>Imports the export <paramref name="lines"/> into the store twice, each time from a fresh graph.</summary>
    private async Task<IReadOnlyList<ImportResult>> ImportTwiceAsync(string[] lines)
    {
        var results = new List<ImportResult>();
        for (int i = 0; i < 2; i++)
        {
            var builder = new SessionGraphBuilder();
            foreach (string line in lines)
            {
                builder.Add(EntityJson.Deserialize(line));
            }

            results.Add(await Store.ImportAsync(builder.Session!, builder.Events));
        }

        return results;
    }
}

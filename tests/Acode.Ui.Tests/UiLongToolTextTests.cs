using System.Net;
using System.Text;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Ui.Tests.Support;
using Microsoft.Playwright;

namespace Acode.Ui.Tests;

/// <summary>
/// A tool call's arguments, result and error, an artifact's content and media type, a tool's name and the facts of an
/// <c>import.source</c> event are stored whole, whatever their length, so the viewer cuts them as it does payloads and
/// says how much was left out and which command gives it whole: a 1 MB tool result made the tool call's answer 1 MB, a
/// 1 MB artifact its page 1 MB, and a 1 MB imported directory the session page 1 MB.
/// </summary>
public sealed class UiLongToolTextTests : IDisposable
{
    private const int Length = 1_000_000;
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Long_import_facts_tool_names_and_media_types_are_cut_on_the_session_page()
    {
        Texts t = await WriteSessionAsync();
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        UiAnswer page = await http.GetAsync("/sessions/" + t.SessionId);
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        Assert.True(page.Body.Length < 100_000, $"the session page is {page.Body.Length:N0} characters");
        Assert.Contains("<dd data-key=\"cwd\">" + t.Directory[..2000] + "… <span class=\"hint cut\">"
            + $"{Length - 2000:N0} more characters not shown; 'acode session show {t.SessionId} --events --full' prints the import.source event whole.</span></dd>", page.Text, StringComparison.Ordinal);
        Assert.Contains("<dt>" + t.FactName[..200] + "…</dt>", page.Text, StringComparison.Ordinal);
        Assert.Contains(">" + t.ToolName[..200] + "…<", page.Text, StringComparison.Ordinal);
        Assert.Contains($"Task and step titles and tool names longer than 200 characters are cut; 'acode session show {t.SessionId}' or 'acode session export {t.SessionId}' gives them whole.", page.Text, StringComparison.Ordinal);
        Assert.Contains("<td>" + t.MediaType[..200] + "…</td>", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_tool_call_is_cut_in_its_answer_with_notes()
    {
        Texts t = await WriteSessionAsync();
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        UiAnswer call = await http.GetAsync($"/api/sessions/{t.SessionId}/tool-calls/{t.ToolCallId}");
        Assert.True(call.Status == HttpStatusCode.OK, call.ToString());
        Assert.True(call.Body.Length < 100_000, $"the tool call's answer is {call.Body.Length:N0} characters");
        using (JsonDocument json = JsonDocument.Parse(call.Body))
        {
            JsonElement root = json.RootElement;
            Assert.Equal(t.ToolName[..200] + "…", root.GetProperty("tool").GetString());
            string arguments = root.GetProperty("arguments").GetString()!;
            Assert.StartsWith("{\n  \"text\": \"A" + new string('a', 100), arguments, StringComparison.Ordinal);
            Assert.Equal(20_001, arguments.Length);
            Assert.EndsWith("a…", arguments, StringComparison.Ordinal);
            Assert.Matches($@"^[\d,]+ more characters not shown; 'acode session show {t.SessionId} --full' prints the arguments whole\.$", root.GetProperty("argumentsCut").GetString());
            Assert.Equal(t.Result[..20_000] + "…", root.GetProperty("result").GetString());
            Assert.Equal($"{Length - 20_000:N0} more characters not shown; 'acode session show {t.SessionId} --full' prints the result whole.", root.GetProperty("resultCut").GetString());
            Assert.Equal(Length, root.GetProperty("resultLength").GetInt32());
            Assert.Equal(t.Error[..20_000] + "…", root.GetProperty("error").GetString());
            Assert.Equal($"{Length - 20_000:N0} more characters not shown; 'acode session show {t.SessionId} --full' prints the error whole.", root.GetProperty("errorCut").GetString());
        }
    }

    [Fact]
    public async Task A_long_artifact_is_cut_on_its_page_with_a_note()
    {
        Texts t = await WriteSessionAsync();
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        UiAnswer artifact = await http.GetAsync($"/sessions/{t.SessionId}/artifacts/{t.ArtifactId}");
        Assert.True(artifact.Status == HttpStatusCode.OK, artifact.ToString());
        Assert.True(artifact.Body.Length < 100_000, $"the artifact page is {artifact.Body.Length:N0} characters");
        Assert.Contains("<pre class=\"content\" id=\"artifact-content\">" + t.Content[..20_000] + "…</pre>", artifact.Text, StringComparison.Ordinal);
        Assert.Contains($"{Length - 20_000:N0} more characters not shown; 'acode session export {t.SessionId}' gives the artifact's content whole (base64).", artifact.Text, StringComparison.Ordinal);
        Assert.Contains("<dd>" + t.MediaType[..200] + "…</dd>", artifact.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tool_call_panel_shows_the_notes_of_cut_texts()
    {
        Texts t = await WriteSessionAsync();
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        await using HeadlessBrowser browser = await HeadlessBrowser.LaunchAsync();
        IPage page = await browser.NewPageAsync();
        await page.GotoAsync(ui.LaunchUrl);
        await page.GotoAsync(ui.BaseUrl + "/sessions/" + t.SessionId);
        await page.WaitForSelectorAsync("body[data-ready=true]");

        await page.Locator($"[id='{t.ToolCallId}']").ClickAsync();
        await page.WaitForSelectorAsync($"#detail[data-loaded='{t.ToolCallId}']");
        Assert.StartsWith(t.Result[..100], await page.Locator("#detail-result").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal($"{Length - 20_000:N0} more characters not shown; 'acode session show {t.SessionId} --full' prints the result whole.", await page.Locator("#detail-result-cut").InnerTextAsync());
        Assert.Equal($"{Length - 20_000:N0} more characters not shown; 'acode session show {t.SessionId} --full' prints the error whole.", await page.Locator("#detail-error-cut").InnerTextAsync());
        Assert.True(await page.Locator("#detail-arguments-cut").IsVisibleAsync());

        // A short call after it: no note left over from the long one.
        await page.Locator($"[id='{t.ShortToolCallId}']").ClickAsync();
        await page.WaitForSelectorAsync($"#detail[data-loaded='{t.ShortToolCallId}']");
        Assert.Equal("ok", await page.Locator("#detail-result").InnerTextAsync());
        foreach (string note in new[] { "#detail-arguments-cut", "#detail-result-cut", "#detail-error-cut" })
        {
            Assert.False(await page.Locator(note).IsVisibleAsync(), note);
        }
    }

    private async Task<Texts> WriteSessionAsync()
    {
        var t = new Texts
        {
            ToolName = "N" + new string('n', Length - 1),
            Arguments = "A" + new string('a', Length - 1),
            Result = "R" + new string('r', Length - 1),
            Error = "E" + new string('e', Length - 1),
            Content = "C" + new string('c', Length - 1),
            MediaType = "text/plain;x=" + new string('m', Length - 13),
            Directory = "/D" + new string('d', Length - 2),
            FactName = "K" + new string('k', Length - 1),
        };
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root));
        var store = new SqliteRunStateStore(database);
        Session session = await store.CreateSessionAsync("Long tool texts");
        SessionTask task = session.AddTask("Task");
        task.Start();
        Step step = task.AddStep("Step");
        step.Start();
        ToolCall call = step.AddToolCall(t.ToolName, JsonSerializer.Serialize(new { text = t.Arguments }));
        call.Start();
        call.Fail(t.Error, TimeSpan.FromSeconds(1), t.Result);
        ToolCall shortCall = step.AddToolCall("read_file", "{}");
        shortCall.Start();
        shortCall.Succeed("ok", TimeSpan.FromSeconds(1));
        Artifact artifact = session.AddArtifact("out.txt", ArtifactKind.File, t.MediaType, Encoding.UTF8.GetBytes(t.Content), toolCallId: call.Id);
        session.AppendEvent("import.source", JsonSerializer.Serialize(new Dictionary<string, string> { ["agent"] = "claude-code", ["cwd"] = t.Directory, [t.FactName] = "v" }));
        await store.SaveAsync(session);
        t.SessionId = session.Id.Value;
        t.ToolCallId = call.Id.Value;
        t.ShortToolCallId = shortCall.Id.Value;
        t.ArtifactId = artifact.Id.Value;
        return t;
    }

    public void Dispose() => _workspace.Dispose();

    private sealed class Texts
    {
        public required string ToolName { get; init; }

        public required string Arguments { get; init; }

        public required string Result { get; init; }

        public required string Error { get; init; }

        public required string Content { get; init; }

        public required string MediaType { get; init; }

        public required string Directory { get; init; }

        public required string FactName { get; init; }

        public string SessionId { get; set; } = "";

        public string ToolCallId { get; set; } = "";

        public string ShortToolCallId { get; set; } = "";

        public string ArtifactId { get; set; } = "";
    }
}

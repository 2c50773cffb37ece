using System.Net;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// Task and step titles, the goal and event payloads are stored whole, whatever their length, so the viewer shortens
/// them as it does titles and says where the whole text is: a 1 MB task title made the session page 1 MB, and a 1 MB
/// payload made the events page 1 MB.
/// </summary>
public sealed class UiLongTextTests : IDisposable
{
    private const int Length = 1_000_000;
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Long_task_step_goal_and_payload_texts_are_shortened_with_a_note()
    {
        string goal = "G" + new string('g', Length - 1);
        string taskTitle = "T" + new string('t', Length - 1);
        string stepTitle = "S" + new string('s', Length - 1);
        string text = "P" + new string('p', Length - 1);
        string sessionId;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root)))
        {
            var store = new SqliteRunStateStore(database);
            Session session = await store.CreateSessionAsync("Long texts", goal);
            SessionTask task = session.AddTask(taskTitle);
            task.Start();
            task.AddStep(stepTitle).Start();
            session.AppendEvent("note", JsonSerializer.Serialize(new { text }));
            await store.SaveAsync(session);
            sessionId = session.Id.Value;
        }

        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        UiAnswer page = await http.GetAsync("/sessions/" + sessionId);
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        Assert.True(page.Body.Length < 100_000, $"the session page is {page.Body.Length:N0} characters");
        Assert.Contains("<dt>Goal</dt><dd>" + goal[..2000] + "…<span", page.Text, StringComparison.Ordinal);
        Assert.Contains($"The goal is {Length:N0} characters long; the first 2,000 are shown. 'acode session export {sessionId}' gives it whole.", page.Text, StringComparison.Ordinal);
        Assert.Contains("Task 1 · " + taskTitle[..200] + "…<", page.Text, StringComparison.Ordinal);
        Assert.Contains("Step 1 · " + stepTitle[..200] + "…<", page.Text, StringComparison.Ordinal);
        Assert.Contains($"Task and step titles and tool names longer than 200 characters are cut; 'acode session show {sessionId}' or 'acode session export {sessionId}' gives them whole.", page.Text, StringComparison.Ordinal);

        UiAnswer events = await http.GetAsync($"/sessions/{sessionId}/events");
        Assert.True(events.Status == HttpStatusCode.OK, events.ToString());
        Assert.True(events.Body.Length < 100_000, $"the events page is {events.Body.Length:N0} characters");
        string payload = JsonSerializer.Serialize(new { text });
        Assert.Contains("<code>" + payload[..20_000] + "…</code>", events.Text, StringComparison.Ordinal);
        Assert.Contains($"{payload.Length - 20_000:N0} more characters not shown; 'acode session show {sessionId} --events --full' prints the payload whole.", events.Text, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}

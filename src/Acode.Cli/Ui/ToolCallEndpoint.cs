using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Acode.Application;
using Acode.Cli.Output;
using Microsoft.AspNetCore.Http;

namespace Acode.Cli.Ui;

/// <summary>
/// <c>GET /api/sessions/{id}/tool-calls/{toolCallId}</c>: one tool call's arguments, result and error as JSON,
/// fetched when it is clicked, each cut at <see cref="TextLength"/> characters with a note (<c>argumentsCut</c>,
/// <c>resultCut</c>, <c>errorCut</c>; null when whole) saying how many were left out and that
/// <c>acode session show ID --full</c> prints them whole. Text comes with hidden characters made visible
/// (<see cref="VisibleText"/>); the page's script puts it on screen as text (textContent), never as markup.
/// </summary>
internal sealed class ToolCallEndpoint(IRunStateStore store)
{
    /// <summary>Characters of a call's arguments (pretty), result or error sent; as many as of a payload on the events pages.</summary>
    public const int TextLength = SessionPage.PayloadOnEventsPage;

    // The pretty form is shown as text and then sent as a JSON string (encoded again by the default encoder), so
    // letters of any script may stay as they are rather than turning into \uXXXX.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const string OpenTheSession = "Open the session's page again (its link in the sessions list) and click one of its tool calls.";

    public async Task<IResult> GetAsync(string id, string toolCallId, CancellationToken cancellationToken)
    {
        // Every error is JSON {"error", "hint"} (UiApiErrors), which the page's script shows in the panel.
        if (!SessionId.TryParse(RouteIds.Canonical(id), out SessionId sessionId))
        {
            return UiApiErrors.Result(StatusCodes.Status400BadRequest, $"'{MalformedIdPage.Shown(id)}' is not a session id (sess_ followed by 26 letters and digits).", OpenTheSession);
        }

        if (!ToolCallId.TryParse(RouteIds.Canonical(toolCallId), out ToolCallId callId))
        {
            return UiApiErrors.Result(StatusCodes.Status400BadRequest, $"'{MalformedIdPage.Shown(toolCallId)}' is not a tool call id (tc_ followed by 26 letters and digits).", OpenTheSession);
        }

        if (await store.GetSessionAsync(sessionId, cancellationToken) is not { } session)
        {
            return UiApiErrors.Result(StatusCodes.Status404NotFound, $"No session {sessionId}: it was deleted, or never was in this store.",
                "Go back to the sessions list and pick a session there.");
        }

        if (session.FindToolCall(callId) is not { } call)
        {
            return UiApiErrors.Result(StatusCodes.Status404NotFound, $"No tool call {callId} in session {sessionId}.", OpenTheSession);
        }

        Step? step = session.FindStep(call.StepId);
        var artifacts = new JsonArray();
        foreach (Artifact artifact in session.Artifacts.Where(a => a.ToolCallId == call.Id))
        {
            artifacts.Add(new JsonObject
            {
                ["name"] = VisibleText.Of(artifact.Name),
                ["kind"] = artifact.Kind.ToString(),
                ["size"] = Display.Bytes(artifact.Size),
                ["href"] = UiLinks.Artifact(session.Id.Value, artifact.Id.Value),
            });
        }

        var body = new JsonObject
        {
            ["id"] = call.Id.Value,
            ["tool"] = VisibleText.Of(SessionTitles.Label(call.ToolName)),
            ["status"] = call.Status.ToString(),
            ["step"] = step is null ? null : VisibleText.Of($"Step {step.Ordinal} · {SessionTitles.Label(step.Title)}"),
            ["startedAt"] = call.StartedAt is { } s ? Display.Time(s) : null,
            ["completedAt"] = call.CompletedAt is { } c ? Display.Time(c) : null,
            ["duration"] = call.Duration is { } d ? Display.Duration(d) : null,
            ["version"] = call.Version,
            ["resultLength"] = call.Result?.Length,
            ["artifacts"] = artifacts,
        };
        AddText(body, "arguments", Pretty(call.ArgumentsJson), session.Id.Value);
        AddText(body, "result", call.Result, session.Id.Value);
        AddText(body, "error", call.Error, session.Id.Value);
        return Results.Text(body.ToJsonString(), "application/json; charset=utf-8");
    }

    /// <summary><c>name</c>: the text cut at <see cref="TextLength"/> (null stays null); <c>nameCut</c>: what was left out, or null.</summary>
    private static void AddText(JsonObject body, string name, string? text, string sessionId)
    {
        if (text is null)
        {
            body[name] = null;
            body[name + "Cut"] = null;
            return;
        }

        (string shown, string? leftOut) = TextCut.CutAndSay(text, TextLength, $"'acode session show {sessionId} --full' prints the {name} whole.");
        body[name] = VisibleText.Of(shown);
        body[name + "Cut"] = leftOut;
    }

    private static string Pretty(string json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}

using System.Globalization;
using Acode.Application;
using Acode.Application.Queries;
using Acode.Application.Transcripts;
using Acode.Cli.Output;
using Microsoft.AspNetCore.Http;

namespace Acode.Cli.Ui;

/// <summary>
/// One session: its header, a waterfall of tasks → steps → tool calls on one time axis (durations and failures
/// visible; a tool call's arguments and result are fetched from the JSON endpoint when clicked, never sent with the
/// page), where an imported session came from (its latest <c>import.source</c> facts), which workspaces it was created and
/// last changed in (<see cref="SessionWorkspacesView"/>, when PostgreSQL is configured), its artifacts (each on its own page, diffs rendered as diffs) and the start of its event log.
/// </summary>
internal sealed class SessionPage(IRunStateStore store, IImportSourceReader sources, ISessionWorkspaceReader? workspaces, Func<SessionId, CancellationToken, Task<string>>? notInPostgres, string workspace, string where, bool remote)
{
    /// <summary>Above this many tool calls in the session, steps start collapsed so the page opens fast.</summary>
    public const int ExpandedToolCallLimit = 500;

    /// <summary>Events shown on the session page; the rest are on the events pages.</summary>
    public const int EventsOnPage = 100;

    /// <summary>Characters of an event's payload in the session page's event log.</summary>
    public const int PayloadPreview = 2000;

    /// <summary>Characters of an event's payload on the events pages; the rest is said as a count (session show --events --full prints it whole).</summary>
    public const int PayloadOnEventsPage = 20_000;

    public async Task<IResult> RenderAsync(string id, CancellationToken cancellationToken)
    {
        if (!SessionId.TryParse(RouteIds.Canonical(id), out SessionId sessionId))
        {
            return await ByPrefixAsync(id, "", cancellationToken) ?? MalformedIdPage.Session(workspace, id, startTaken: true);
        }

        Session? session = await store.GetSessionAsync(sessionId, cancellationToken);
        if (session is null)
        {
            return await MissingAsync(sessionId, cancellationToken);
        }

        IReadOnlyList<SessionEvent> events = session.LastEventSequence == 0 ? [] : await store.ReadEventsAsync(session, 0, EventsOnPage, cancellationToken);
        long eventCount = events.Count < EventsOnPage ? events.Count : await store.CountEventsAsync(session.Id, cancellationToken);
        IReadOnlyList<KeyValuePair<string, string>>? source = await sources.GetLatestAsync(session.Id, cancellationToken);
        (SessionWorkspaces? origins, string? originsNote) = workspaces is null ? (null, null) : await SessionWorkspacesView.ReadAsync(workspaces, session.Id, notInPostgres, cancellationToken);
        var scale = new TimelineScale(session);
        int toolCalls = session.Tasks.Sum(t => t.Steps.Sum(s => s.ToolCalls.Count));
        int failed = session.Tasks.Sum(t => t.Steps.Sum(s => s.ToolCalls.Count(c => c.Status == ToolCallStatus.Failed)));
        string html = PageLayout.Render(SessionTitles.Short(session.Title), workspace, w =>
        {
            w.Markup("<h1 id=\"session-title\">").Text(SessionTitles.Heading(session.Title)).Markup("</h1>");
            if (SessionTitles.IsCutInHeading(session.Title))
            {
                w.Markup("<p class=\"hint\" id=\"title-cut\">").Text(string.Create(CultureInfo.InvariantCulture,
                    $"The title is {session.Title.Length:N0} characters long; the first {SessionTitles.HeadingLength:N0} are shown. 'acode session export {session.Id.Value}' gives it whole.")).Markup("</p>");
            }

            w.Markup("<dl class=\"facts\"><dt>ID</dt><dd class=\"id\">")
                .Text(session.Id.Value)
                .Markup("</dd><dt>State</dt><dd>").Element("span", session.State.ToString(), "state state-" + session.State)
                .Markup("</dd><dt>Goal</dt><dd>").Text(session.Goal is null ? "—" : SessionTitles.Heading(session.Goal));
            if (SessionTitles.IsCutInHeading(session.Goal))
            {
                w.Markup("<span class=\"hint\" id=\"goal-cut\"> ").Text(string.Create(CultureInfo.InvariantCulture,
                    $"The goal is {session.Goal!.Length:N0} characters long; the first {SessionTitles.HeadingLength:N0} are shown. 'acode session export {session.Id.Value}' gives it whole.")).Markup("</span>");
            }

            w.Markup("</dd><dt>Created</dt><dd>").Text(Display.Time(session.CreatedAt))
                .Markup("</dd><dt>Updated</dt><dd>").Text(Display.Time(session.UpdatedAt))
                .Markup("</dd><dt>Span</dt><dd>").Text(Display.Duration(scale.Span))
                .Markup("</dd><dt>Work</dt><dd id=\"counts\">").Text(string.Create(CultureInfo.InvariantCulture, $"{session.Tasks.Count} task(s), {session.Tasks.Sum(t => t.Steps.Count)} step(s), {toolCalls} tool call(s)"));
            if (failed > 0)
            {
                w.Markup(", ").Element("span", string.Create(CultureInfo.InvariantCulture, $"{failed} failed"), "failed-count");
            }

            w.Markup("</dd><dt>Version</dt><dd>").Text(session.Version.ToString(CultureInfo.InvariantCulture)).Markup("</dd></dl>");
            if (workspaces is not null)
            {
                SessionWorkspacesView.Write(w, session.Id, origins, originsNote);
            }

            WriteSource(w, session.Id, source);
            WriteTimeline(w, session, scale, toolCalls > ExpandedToolCallLimit);
            WriteArtifacts(w, session);
            WriteEvents(w, session, events, eventCount);
        });
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <param name="id">The session.</param>
    /// <param name="after">The <c>after</c> query value: the events after that number are shown (none: from the first).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async Task<IResult> RenderEventsAsync(string id, string? after, CancellationToken cancellationToken)
    {
        long afterSequence = 0;
        if (!string.IsNullOrEmpty(after) && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterSequence))
        {
            return PageLayout.ProblemResult(workspace, StatusCodes.Status400BadRequest, "Cannot show the events",
                $"'{after}' is not an event number: after= takes the number of the last event already shown (0 or more).",
                "Follow the 'All … events' link of the session page, or leave after= out to start at the first event.");
        }

        if (!SessionId.TryParse(RouteIds.Canonical(id), out SessionId sessionId))
        {
            return await ByPrefixAsync(id, "/events" + (string.IsNullOrEmpty(after) ? "" : "?after=" + Uri.EscapeDataString(after)), cancellationToken)
                ?? MalformedIdPage.Session(workspace, id, startTaken: true);
        }

        if (await store.GetSessionAsync(sessionId, cancellationToken) is not { } session)
        {
            return await MissingAsync(sessionId, cancellationToken);
        }

        const int pageSize = 1000;
        IReadOnlyList<SessionEvent> events = await store.ReadEventsAsync(session, afterSequence, pageSize, cancellationToken);
        long total = await store.CountEventsAsync(session.Id, cancellationToken);
        string html = PageLayout.Render("Events of " + SessionTitles.Short(session.Title), workspace, w =>
        {
            w.Markup("<h1>Events of ").Link(UiLinks.Session(session.Id.Value), SessionTitles.Short(session.Title)).Markup("</h1>");
            w.Markup("<p class=\"hint\" id=\"events-shown\">").Text(Shown(events, total, afterSequence));
            if (afterSequence > 0)
            {
                w.Markup(" ").Link(UiLinks.Events(session.Id.Value, 0), "From the first event");
            }

            w.Markup("</p>");
            WriteEventTable(w, session, events, PayloadOnEventsPage);
            if (events.Count == pageSize)
            {
                w.Markup("<p class=\"more\">").Link(UiLinks.Events(session.Id.Value, events[^1].Sequence), "Next events →", "next").Markup("</p>");
            }
        });
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>Which events a page of the log shows: "All 703 events: #1 to #703." or "603 of 703 events, after #100: #101 to #703.".</summary>
    private static string Shown(IReadOnlyList<SessionEvent> events, long total, long after)
    {
        string Count(long n) => n == 1 ? "1 event" : string.Create(CultureInfo.InvariantCulture, $"{n} events");
        string afterText = after > 0 ? string.Create(CultureInfo.InvariantCulture, $" after #{after}") : "";
        if (events.Count == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"No events{afterText} (the session has {Count(total)}).");
        }

        string range = string.Create(CultureInfo.InvariantCulture, $"#{events[0].Sequence} to #{events[^1].Sequence}.");
        return events.Count == total
            ? $"{(total == 1 ? "The only event" : "All " + Count(total))}: {range}"
            : string.Create(CultureInfo.InvariantCulture, $"{events.Count} of {Count(total)}{(after > 0 ? "," + afterText : "")}: {range}");
    }

    private static void WriteTimeline(HtmlWriter w, Session session, TimelineScale scale, bool collapse)
    {
        // Tool call rows carry only their id; the script fetches data-api + id when one is clicked.
        w.Markup("<section class=\"timeline\" id=\"timeline\"").Attribute("data-api", UiLinks.ToolCallJson(session.Id.Value, "")).Markup("><h2>Timeline</h2>");
        if (collapse)
        {
            w.Markup("<p class=\"hint\">").Text($"More than {ExpandedToolCallLimit} tool calls: steps are collapsed; open a step to see its calls.").Markup("</p>");
        }

        if (session.Tasks.Any(t => t.Title.Length > SessionTitles.LabelLength
            || t.Steps.Any(s => s.Title.Length > SessionTitles.LabelLength || s.ToolCalls.Any(c => c.ToolName.Length > SessionTitles.LabelLength))))
        {
            w.Markup("<p class=\"hint\" id=\"labels-cut\">").Text(string.Create(CultureInfo.InvariantCulture,
                $"Task and step titles and tool names longer than {SessionTitles.LabelLength:N0} characters are cut; 'acode session show {session.Id.Value}' or 'acode session export {session.Id.Value}' gives them whole.")).Markup("</p>");
        }

        w.Markup("<div class=\"axis row\"><span class=\"label\">").Text(Display.Time(scale.Start)).Markup("</span><span class=\"dur\"></span><span class=\"track\"><span class=\"tick-end\">")
            .Text("+" + Display.Duration(scale.Span)).Markup("</span></span></div>");
        if (session.Tasks.Count == 0)
        {
            w.Markup("<p class=\"empty\">No tasks yet.</p>");
        }

        foreach (SessionTask task in session.Tasks)
        {
            w.Markup("<details class=\"task\" open><summary");
            // Red like its steps: a task whose own state is Failed, or that holds a failed step or a failed call.
            bool taskFailed = task.State == WorkState.Failed
                || task.Steps.Any(s => s.State == WorkState.Failed || s.ToolCalls.Any(c => c.Status == ToolCallStatus.Failed));
            RowClass(w, "task", "state-" + task.State, failed: taskFailed);
            Label(w, string.Create(CultureInfo.InvariantCulture, $"Task {task.Ordinal} · {SessionTitles.Label(task.Title)}"), task.State.ToString(), task.Duration);
            Bar(w, scale.Place(task.StartedAt, task.CompletedAt));
            w.Markup("</summary>");
            foreach (Step step in task.Steps)
            {
                int failedCalls = step.ToolCalls.Count(c => c.Status == ToolCallStatus.Failed);
                w.Markup(collapse && step.ToolCalls.Count > 0 ? "<details class=\"step\"><summary" : "<details class=\"step\" open><summary");
                RowClass(w, "step", "state-" + step.State, failed: step.State == WorkState.Failed || failedCalls > 0);
                string calls = step.ToolCalls.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" ({step.ToolCalls.Count} call(s){(failedCalls > 0 ? $", {failedCalls} failed" : "")})");
                Label(w, string.Create(CultureInfo.InvariantCulture, $"Step {step.Ordinal} · {SessionTitles.Label(step.Title)}{calls}"), step.State.ToString(), step.Duration);
                Bar(w, scale.Place(step.StartedAt, step.CompletedAt));
                w.Markup("</summary>");
                foreach (ToolCall call in step.ToolCalls)
                {
                    w.Markup("<button type=\"button\"");
                    RowClass(w, "call", "status-" + call.Status, failed: call.Status == ToolCallStatus.Failed);
                    w.Attribute("id", call.Id.Value);
                    Label(w, SessionTitles.Label(call.ToolName), call.Status.ToString(), call.Duration ?? (TimelineScale.EndOf(call) - call.StartedAt));
                    Bar(w, scale.Place(call.StartedAt ?? (call.Status == ToolCallStatus.Pending ? null : call.CreatedAt), TimelineScale.EndOf(call)));
                    w.Markup("</button>");
                }

                w.Markup("</details>");
            }

            w.Markup("</details>");
        }

        w.Markup("</section><aside id=\"detail\" class=\"detail\" hidden><button type=\"button\" id=\"detail-close\" class=\"close\" aria-label=\"Close\">×</button>")
            .Markup("<h2 id=\"detail-title\"></h2><p class=\"error\" id=\"detail-problem\" role=\"alert\" hidden></p><p class=\"hint\" id=\"detail-problem-hint\" hidden></p>")
            .Markup("<div id=\"detail-call\"><dl id=\"detail-facts\" class=\"facts\"></dl><h3>Arguments</h3><pre id=\"detail-arguments\"></pre><p class=\"hint cut\" id=\"detail-arguments-cut\" hidden></p>")
            .Markup("<h3>Result</h3><pre id=\"detail-result\"></pre><p class=\"hint cut\" id=\"detail-result-cut\" hidden></p>")
            .Markup("<h3>Error</h3><pre id=\"detail-error\"></pre><p class=\"hint cut\" id=\"detail-error-cut\" hidden></p><h3>Artifacts</h3><ul id=\"detail-artifacts\"></ul></div></aside>");
    }

    /// <summary>
    /// The import's facts, the usual ones first under readable names, any others after as they are named; a name cut
    /// at <see cref="SessionTitles.LabelLength"/>, a value at <see cref="SessionTitles.HeadingLength"/> with a note.
    /// </summary>
    private static void WriteSource(HtmlWriter w, SessionId sessionId, IReadOnlyList<KeyValuePair<string, string>>? source)
    {
        if (source is null || source.Count == 0)
        {
            return;
        }

        (string Key, string Label)[] known = [("agent", "Agent"), ("version", "Agent version"), ("model", "Model"), ("cwd", "Directory"), ("gitBranch", "Git branch")];
        w.Markup("<section id=\"source\" class=\"source\"><h2>Imported from</h2><dl class=\"facts\">");
        foreach ((string key, string label) in known)
        {
            if (source.FirstOrDefault(f => f.Key == key) is { Key: not null } fact)
            {
                w.Markup("<dt>").Text(label).Markup("</dt><dd").Attribute("data-key", key).Markup(">");
                FactValue(w, sessionId, fact.Value);
            }
        }

        foreach (KeyValuePair<string, string> fact in source.Where(f => !known.Any(k => k.Key == f.Key)))
        {
            string name = SessionTitles.Label(fact.Key);
            w.Markup("<dt>").Text(name).Markup("</dt><dd").Attribute("data-key", name).Markup(">");
            FactValue(w, sessionId, fact.Value);
        }

        w.Markup("</dl></section>");
    }

    private static void FactValue(HtmlWriter w, SessionId sessionId, string value)
    {
        (string shown, string? leftOut) = TextCut.CutAndSay(value, SessionTitles.HeadingLength,
            $"'acode session show {sessionId.Value} --events --full' prints the import.source event whole.");
        w.Text(shown);
        if (leftOut is not null)
        {
            w.Markup(" <span class=\"hint cut\">").Text(leftOut).Markup("</span>");
        }

        w.Markup("</dd>");
    }

    private static void RowClass(HtmlWriter w, string kind, string state, bool failed) => w.Attribute("class", $"row {kind} {state}{(failed ? " failed" : "")}");

    private static void Label(HtmlWriter w, string label, string state, TimeSpan? duration)
        => w.Markup("><span class=\"label\">").Text(label).Markup("</span><span class=\"dur\">")
            .Text(duration is { } d ? Display.Duration(d) : state).Markup("</span>");

    private static void Bar(HtmlWriter w, (string Left, string Width)? place)
    {
        w.Markup("<span class=\"track\">");
        if (place is { } p)
        {
            w.Markup("<span class=\"bar\"").Attribute("data-l", p.Left).Attribute("data-w", p.Width).Markup("></span>");
        }

        w.Markup("</span>");
    }

    private static void WriteArtifacts(HtmlWriter w, Session session)
    {
        w.Markup("<section id=\"artifacts\"><h2>Artifacts</h2>");
        if (session.Artifacts.Count == 0)
        {
            w.Markup("<p class=\"empty\">No artifacts.</p></section>");
            return;
        }

        w.Markup("<table class=\"artifacts\"><thead><tr><th>Name</th><th>Kind</th><th>Media type</th><th class=\"num\">Size</th><th>From</th><th>SHA-256</th></tr></thead><tbody>");
        foreach (Artifact artifact in session.Artifacts)
        {
            w.Markup("<tr><td>").Link(UiLinks.Artifact(session.Id.Value, artifact.Id.Value), artifact.Name)
                .Markup("</td><td>").Text(artifact.Kind.ToString())
                .Markup("</td><td>").Text(SessionTitles.Label(artifact.MediaType))
                .Markup("</td><td class=\"num\">").Text(Display.Bytes(artifact.Size) + (artifact.HasContent ? "" : " (reference)"))
                .Markup("</td><td class=\"id\">").Text(artifact.ToolCallId?.Value ?? artifact.StepId?.Value ?? "")
                .Markup("</td><td class=\"hash\">").Text(artifact.ContentHash[..12] + "…").Markup("</td></tr>");
        }

        w.Markup("</tbody></table></section>");
    }

    private static void WriteEvents(HtmlWriter w, Session session, IReadOnlyList<SessionEvent> events, long eventCount)
    {
        w.Markup("<section id=\"events\"><h2>Event log</h2>");
        WriteEventTable(w, session, events, PayloadPreview);
        if (eventCount > events.Count)
        {
            // The whole log from its first event, as the label says (the events page says which ones each page shows).
            w.Markup("<p class=\"more\">").Link(UiLinks.Events(session.Id.Value, 0), string.Create(CultureInfo.InvariantCulture, $"All {eventCount} events →"), "next").Markup("</p>");
        }

        w.Markup("</section>");
    }

    private static void WriteEventTable(HtmlWriter w, Session session, IReadOnlyList<SessionEvent> events, int payloadLimit)
    {
        if (events.Count == 0)
        {
            w.Markup("<p class=\"empty\">No events.</p>");
            return;
        }

        w.Markup("<table class=\"events\"><thead><tr><th class=\"num\">#</th><th>At (UTC)</th><th>Type</th><th>Payload</th></tr></thead><tbody>");
        foreach (SessionEvent e in events)
        {
            // As the terminal shows it: \uXXXX escapes of printable characters (an emoji, "é") as the characters; the
            // writer still HTML-escapes it and shows control and format characters as \uXXXX.
            string readable = Display.ReadableJson(e.PayloadJson);
            w.Markup("<tr><td class=\"num\">").Text(e.Sequence.ToString(CultureInfo.InvariantCulture))
                .Markup("</td><td>").Text(Display.Time(e.CreatedAt))
                .Markup("</td><td>").Text(SessionTitles.Label(e.Type))
                .Markup("</td><td><code>");
            (string shown, string? leftOut) = TextCut.CutAndSay(readable, payloadLimit,
                $"'acode session show {session.Id.Value} --events --full' prints the payload whole.");
            w.Text(shown).Markup("</code>");
            if (leftOut is not null)
            {
                w.Markup(" <span class=\"hint cut\">").Text(leftOut).Markup("</span>");
            }

            w.Markup("</td></tr>");
        }

        w.Markup("</tbody></table>");
    }

    /// <summary>
    /// An address that names a session by a start of its id, as the command line takes one (<see cref="SessionIdArgument"/>:
    /// at least 4 characters after <c>sess_</c>, which may be left out, any case): a redirect (302) to the session's own
    /// address plus <paramref name="rest"/> when exactly one session starts with it, a 404 when none does, a 400 listing them
    /// when several do; null when <paramref name="id"/> is not the start of an id at all.
    /// </summary>
    private async Task<IResult?> ByPrefixAsync(string id, string rest, CancellationToken cancellationToken)
    {
        SessionIdArgument prefix;
        try
        {
            prefix = SessionIdArgument.Parse(id);
        }
        catch (UsageException)
        {
            return null;
        }

        try
        {
            return await prefix.ResolveAsync(store, cancellationToken) is { } found
                ? Results.Redirect("/sessions/" + found.Value + rest)
                : NotFound($"No session id starts with '{id}' {where}.");
        }
        catch (UsageException ambiguous)
        {
            return PageLayout.ProblemResult(workspace, StatusCodes.Status400BadRequest, "Ambiguous session id", ambiguous.Message, "Give more characters of the id, or pick the session from the list.");
        }
    }

    /// <summary>
    /// The page for a session the store does not hold. With <c>--remote</c> a session deleted in PostgreSQL (its tombstone:
    /// another workspace's <c>session delete</c> and sync, or <c>db prune --remote</c>) is 410 Gone, saying when and by
    /// which workspace, as <c>acode session show --remote</c> says it; otherwise 404.
    /// </summary>
    private async Task<IResult> MissingAsync(SessionId sessionId, CancellationToken cancellationToken)
    {
        if (remote && workspaces is not null && (await SessionWorkspacesView.ReadAsync(workspaces, sessionId, notInPostgres: null, cancellationToken)).Workspaces is { DeletedAt: { } deletedAt } tombstone)
        {
            return PageLayout.ProblemResult(workspace, StatusCodes.Status410Gone, "Session deleted",
                TombstoneText.Deleted(sessionId, tombstone, deletedAt, target: null),
                "Pick a session from the list. A workspace that still holds a copy of it keeps it, no longer shared.");
        }

        return NotFound($"No session {sessionId} {where}.");
    }

    private IResult NotFound(string message)
        => PageLayout.ProblemResult(workspace, StatusCodes.Status404NotFound, "Session not found", message, "Pick a session from the list.");
}

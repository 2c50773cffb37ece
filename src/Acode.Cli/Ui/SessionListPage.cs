using System.Globalization;
using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Queries;
using Acode.Application.Search;
using Acode.Application.Serialization;
using Acode.Application.Sync;
using Acode.Cli.Output;
using Microsoft.AspNetCore.Http;

namespace Acode.Cli.Ui;

/// <summary>
/// The sessions list: the filters and sort of <c>acode session list</c> (state, since/until, title, sort, limit) as a
/// GET form, one keyset page at a time with the store's cursor. The next-page link repeats the filter with relative
/// times resolved to the UTC instants they meant, as the CLI's 'More:' line does, because the cursor is bound to it.
/// With a search query (<c>q</c>) the page lists the hits of <c>acode session search</c> in the filtered sessions instead,
/// best first, one keyset page at a time; a query that cannot run gets the CLI's message.
/// </summary>
/// <param name="store">The sessions read.</param>
/// <param name="search">The full-text search of the same store.</param>
/// <param name="workspace">What the page header names.</param>
/// <param name="remote">With <c>--remote</c> (the team's PostgreSQL): the list and the hits get a Workspace column (<see cref="WorkspaceColumn"/>).</param>
internal sealed class SessionListPage(IRunStateStore store, ISessionSearch search, string workspace, bool remote)
{
    private static readonly (string Value, string Label, SessionSort Sort)[] Sorts =
    [
        ("updated-desc", "updated, newest first", SessionSort.UpdatedDescending),
        ("updated-asc", "updated, oldest first", SessionSort.UpdatedAscending),
        ("created-desc", "created, newest first", SessionSort.CreatedDescending),
        ("created-asc", "created, oldest first", SessionSort.CreatedAscending),
    ];

    public async Task<IResult> RenderAsync(IQueryCollection query, CancellationToken cancellationToken)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        // What was asked, as typed: the form shows it again, above the sessions or below what is wrong with it.
        var states = new List<SessionState>();
        string? unknownState = null;
        foreach (string? state in query["state"])
        {
            if (!Enum.TryParse(state, ignoreCase: true, out SessionState parsed) || !Enum.IsDefined(parsed) || state!.Any(char.IsDigit))
            {
                unknownState ??= state ?? "";
            }
            else if (!states.Contains(parsed))
            {
                states.Add(parsed);
            }
        }

        string? limitText = NonEmpty(query["limit"]);
        var form = new FormValues(NonEmpty(query["q"]), states, NonEmpty(query["since"]), NonEmpty(query["until"]), NonEmpty(query["title"]),
            NonEmpty(query["sort"]) ?? Sorts[0].Value, limitText ?? PaginationOptions.DefaultLimit.ToString(CultureInfo.InvariantCulture));
        if (unknownState is not null)
        {
            return Bad(form, $"Unknown state '{unknownState}'.", $"Pick among {string.Join(", ", Enum.GetNames<SessionState>())}.");
        }

        (string? since, string? until, string? title) = (form.Since, form.Until, form.Title);
        if (SessionFilter.TitleProblem(title) is { } titleProblem)
        {
            return Bad(form, titleProblem, "Remove the NUL character (%00 in the address) from the title filter, or clear the filter.");
        }

        string sortValue = form.Sort;
        int sortIndex = Array.FindIndex(Sorts, s => s.Value == sortValue);
        if (sortIndex < 0)
        {
            return Bad(form, $"Unknown sort '{sortValue}'.", "Use updated-desc, updated-asc, created-desc or created-asc.");
        }

        int limit = PaginationOptions.DefaultLimit;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > PaginationOptions.MaxLimit))
        {
            return Bad(form, $"The page size must be between 1 and {PaginationOptions.MaxLimit} (got '{limitText}').", "Give a page size such as 50.");
        }

        SessionFilter filter;
        try
        {
            filter = new SessionFilter
            {
                States = states,
                CreatedFrom = since is null ? null : TimeArgument.Parse(since, "since", now),
                CreatedTo = until is null ? null : TimeArgument.Parse(until, "until", now),
                TitleContains = title,
            };
        }
        catch (UsageException ex)
        {
            return Bad(form, ex.Message, ex.Hint);
        }

        if (filter.CreatedFrom >= filter.CreatedTo)
        {
            return Bad(form, $"'since' ({UtcTimestamp.Format(filter.CreatedFrom)}) is not before 'until' ({UtcTimestamp.Format(filter.CreatedTo)}), so no session can match.", "Give 'since' the earlier time; both are UTC unless they carry an offset.");
        }

        string? cursor = NonEmpty(query["cursor"]);
        if (form.Q is { } q)
        {
            return await SearchAsync(q, form, filter, limit, cursor, cancellationToken);
        }

        Page<SessionSummary> page;
        try
        {
            page = await store.QuerySessionsAsync(filter, Sorts[sortIndex].Sort, new PaginationOptions { Limit = limit, Cursor = cursor }, cancellationToken);
        }
        catch (InvalidCursorException ex)
        {
            return Bad(form, ex.Reason, "Follow the 'Next page' link as it is, or start again from the first page.");
        }

        string html = PageLayout.Render("Sessions", workspace, w =>
        {
            w.Markup("<h1>Sessions</h1>");
            WriteForm(w, form);
            if (page.Items.Count == 0)
            {
                w.Markup("<p class=\"empty\" id=\"empty\">").Text(cursor is not null ? "No more sessions."
                    : SessionFilterOptions.Narrows(filter) ? "No session matches the filter. Loosen it (another state, a wider time range, less of the title), or clear it to see every session."
                    : "No sessions match. Record a sample with 'acode demo'.").Markup("</p>");
                return;
            }

            w.Markup("<table class=\"sessions\" id=\"sessions\"><thead><tr><th>ID</th><th>State</th><th>Title</th><th class=\"num\">Tasks</th><th class=\"num\">Tool calls</th><th>Created (UTC)</th><th>Updated (UTC)</th>");
            if (remote)
            {
                WorkspaceColumn.WriteHeader(w);
            }

            w.Markup("</tr></thead><tbody>");
            foreach (SessionSummary s in page.Items)
            {
                w.Markup("<tr><td class=\"id\">").Link(UiLinks.Session(s.Id.Value), s.Id.Value)
                    .Markup("</td><td>").Element("span", s.State.ToString(), "state state-" + s.State)
                    .Markup("</td><td class=\"title\">").Link(UiLinks.Session(s.Id.Value), SessionTitles.Short(s.Title))
                    .Markup("</td><td class=\"num\">").Text(s.TaskCount.ToString(CultureInfo.InvariantCulture))
                    .Markup("</td><td class=\"num\">").Text(s.ToolCallCount.ToString(CultureInfo.InvariantCulture))
                    .Markup("</td><td>").Text(Display.Second(s.CreatedAt))
                    .Markup("</td><td>").Text(Display.Second(s.UpdatedAt)).Markup("</td>");
                if (remote)
                {
                    WorkspaceColumn.WriteCell(w, s.Origin, s.OriginName);
                }

                w.Markup("</tr>");
            }

            w.Markup("</tbody></table>");
            if (page.NextCursor is { } next)
            {
                w.Markup("<p class=\"more\">").Link(UiLinks.Sessions(NextPageQuery(null, filter, Sorts[sortIndex].Value, limit, next)), "Next page →", "next").Markup("</p>");
            }
        });
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private async Task<IResult> SearchAsync(string text, FormValues form, SessionFilter filter, int limit, string? cursor, CancellationToken cancellationToken)
    {
        SearchQuery parsed;
        try
        {
            parsed = SearchQuery.Parse(text);
        }
        catch (SearchQueryException ex)
        {
            return Bad(form, ex.Reason, "Search for words (all must match), \"a phrase\", prefix*, OR, NOT word or -word; e.g. connection refused. See docs/search.md.", "Cannot search");
        }

        Page<SearchHit> page;
        try
        {
            page = await search.SearchAsync(parsed, filter, new PaginationOptions { Limit = limit, Cursor = cursor }, cancellationToken);
        }
        catch (InvalidCursorException ex)
        {
            return Bad(form, ex.Reason, "Follow the 'Next page' link as it is, or start again from the first page.", "Cannot search");
        }

        string html = PageLayout.Render("Search", workspace, w =>
        {
            w.Markup("<h1>Sessions</h1>");
            WriteForm(w, form);
            if (page.Items.Count == 0)
            {
                w.Markup("<p class=\"empty\" id=\"empty\">").Text(cursor is not null ? "No more hits."
                    : SessionFilterOptions.Narrows(filter) ? $"No hits for {parsed.Canonical} {(remote ? "in PostgreSQL" : "in this workspace")} in sessions that match the filter. Loosen it (another state, a wider time range, less of the title), or clear it to search every session."
                    : $"No hits for {parsed.Canonical} {(remote ? "in PostgreSQL" : "in this workspace")}.").Markup("</p>");
                return;
            }

            SearchHitsView.Write(w, page.Items, workspaceColumn: remote);
            if (page.NextCursor is { } next)
            {
                w.Markup("<p class=\"more\">").Link(UiLinks.Sessions(NextPageQuery(text, filter, null, limit, next)), "Next hits →", "next").Markup("</p>");
            }
        });
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>The filter form, filled with <paramref name="form"/> as it was typed.</summary>
    private static void WriteForm(HtmlWriter w, FormValues form)
    {
        w.Markup("<form class=\"filters\" method=\"get\" action=\"/\" id=\"filters\"><fieldset class=\"states\"><legend>State</legend>");
        foreach (SessionState state in Enum.GetValues<SessionState>())
        {
            w.Markup("<label><input type=\"checkbox\" name=\"state\"").Attribute("value", state.ToString());
            if (form.States.Contains(state))
            {
                w.Markup(" checked");
            }

            w.Markup(">").Text(state.ToString()).Markup("</label>");
        }

        w.Markup("</fieldset><label>Since <input name=\"since\" placeholder=\"2026-11-30, 7d, 2h\"").Attribute("value", form.Since).Markup("></label>")
            .Markup("<label>Until <input name=\"until\" placeholder=\"2026-12-01T12:00Z\"").Attribute("value", form.Until).Markup("></label>")
            .Markup("<label>Title <input name=\"title\" placeholder=\"contains…\"").Attribute("value", form.Title).Markup("></label>");
        if (form.Q is null)
        {
            w.Markup("<label>Sort <select name=\"sort\">");
            foreach ((string value, string label, _) in Sorts)
            {
                w.Markup("<option").Attribute("value", value).Markup(value == form.Sort ? " selected>" : ">").Text(label).Markup("</option>");
            }

            w.Markup("</select></label>");
        }
        else
        {
            // Hits come best first whatever the sort; the list's sort is kept for when the search box is cleared.
            w.Markup("<span class=\"order\" id=\"order\">Order: best match first</span><input type=\"hidden\" name=\"sort\"").Attribute("value", form.Sort).Markup(">");
        }

        w.Markup("<label>Per page <input name=\"limit\" type=\"number\" min=\"1\"").Attribute("max", PaginationOptions.MaxLimit.ToString(CultureInfo.InvariantCulture))
            .Attribute("value", form.Limit).Markup("></label>")
            // Last in the form, so the query string keeps the filters first; the stylesheet shows it first.
            .Markup("<label class=\"search\">Search <input type=\"search\" name=\"q\" placeholder=\"words, &quot;a phrase&quot;, prefix*, OR, -word\"").Attribute("value", form.Q).Markup("></label>")
            .Markup("<button type=\"submit\">Filter</button> <a href=\"/\">Clear</a>")
            .Markup("<p class=\"hint\">Times are UTC unless they carry an offset; 30m, 2h, 7d, 2w mean that long before now.</p></form>");
    }

    /// <summary>The query of the next page: the filter with relative times resolved, the sort (none for search hits, which come best first) and the cursor.</summary>
    private static List<KeyValuePair<string, string?>> NextPageQuery(string? q, SessionFilter filter, string? sort, int limit, string cursor)
    {
        var query = new List<KeyValuePair<string, string?>>();
        if (q is not null)
        {
            query.Add(new("q", q));
        }

        foreach (SessionState state in filter.States)
        {
            query.Add(new("state", state.ToString()));
        }

        if (filter.CreatedFrom is { } from)
        {
            query.Add(new("since", UtcTimestamp.Format(from)));
        }

        if (filter.CreatedTo is { } to)
        {
            query.Add(new("until", UtcTimestamp.Format(to)));
        }

        if (filter.TitleContains is { } title)
        {
            query.Add(new("title", title));
        }

        if (sort is not null)
        {
            query.Add(new("sort", sort));
        }

        query.Add(new("limit", limit.ToString(CultureInfo.InvariantCulture)));
        query.Add(new("cursor", cursor));
        return query;
    }

    private static string? NonEmpty(Microsoft.Extensions.Primitives.StringValues values) => values.Count > 0 && !string.IsNullOrWhiteSpace(values[^1]) ? values[^1] : null;

    /// <summary>
    /// The list page with what is wrong above its form, the form filled with the values as they were typed (escaped like
    /// everything else), so they can be corrected in place; 400.
    /// </summary>
    private IResult Bad(FormValues form, string message, string hint, string title = "Cannot list sessions")
    {
        string html = PageLayout.Render(title, workspace, w =>
        {
            w.Markup("<h1>Sessions</h1>");
            PageLayout.WriteProblem(w, message, hint);
            WriteForm(w, form);
        });
        return Results.Content(html, "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
    }

    /// <summary>The form's values as the request gave them: <paramref name="States"/> the known states among them, <paramref name="Limit"/> as typed.</summary>
    private sealed record FormValues(string? Q, List<SessionState> States, string? Since, string? Until, string? Title, string Sort, string Limit);
}

using Acode.Application;
using Acode.Application.Search;

namespace Acode.Cli.Ui;

/// <summary>
/// Search hits as a table: session, entity (a tool call or artifact links to it), field and the snippet with its matched words in <c>&lt;mark&gt;</c>.
/// The snippet's pieces between and inside the highlight ranges each go through <see cref="HtmlWriter.Text"/> (the
/// framework's encoder); only the <c>&lt;mark&gt;</c> tags are markup.
/// </summary>
internal static class SearchHitsView
{
    /// <param name="w">The page being written.</param>
    /// <param name="hits">One page of hits, best first.</param>
    /// <param name="workspaceColumn">With <c>--remote</c>: a Workspace column, each hit's origin with its name.</param>
    public static void Write(HtmlWriter w, IReadOnlyList<SearchHit> hits, bool workspaceColumn = false)
    {
        w.Markup("<table class=\"hits\" id=\"hits\"><thead><tr><th>Session</th><th>Entity</th><th>Field</th><th>Snippet</th>");
        if (workspaceColumn)
        {
            WorkspaceColumn.WriteHeader(w);
        }

        w.Markup("</tr></thead><tbody>");
        foreach (SearchHit hit in hits)
        {
            string session = UiLinks.Session(hit.SessionId.Value);
            w.Markup("<tr><td class=\"title\">").Link(session, SessionTitles.Short(hit.SessionTitle))
                .Markup("<br><span class=\"id\">").Text(hit.SessionId.Value).Markup("</span> ").Element("span", hit.SessionState.ToString(), "state state-" + hit.SessionState)
                .Markup("</td><td class=\"id\">").Text(hit.EntityType.ToString()).Markup("<br>");
            if (hit.EntityType == EntityType.ToolCall)
            {
                w.Link(UiLinks.ToolCall(hit.SessionId.Value, hit.EntityId), hit.EntityId, "tool-call");
            }
            else if (hit.EntityType == EntityType.Artifact)
            {
                w.Link(UiLinks.Artifact(hit.SessionId.Value, hit.EntityId), hit.EntityId, "artifact");
            }
            else
            {
                w.Text(hit.EntityId);
            }

            w.Markup("</td><td>").Text(hit.Field).Markup("</td><td class=\"snippet\">");
            WriteSnippet(w, hit.Snippet);
            w.Markup("</td>");
            if (workspaceColumn)
            {
                WorkspaceColumn.WriteCell(w, hit.Origin, hit.OriginName);
            }

            w.Markup("</tr>");
        }

        w.Markup("</tbody></table>");
    }

    /// <summary>The snippet's text with each highlight range wrapped in <c>&lt;mark&gt;</c>; ranges outside the text or overlapping an earlier one are ignored.</summary>
    public static void WriteSnippet(HtmlWriter w, SearchSnippet snippet)
    {
        string text = snippet.Text;
        int at = 0;
        foreach (SearchHighlight h in snippet.Highlights.OrderBy(h => h.Start))
        {
            if (h.Start < at || h.Length <= 0 || h.Start > text.Length - h.Length)
            {
                continue;
            }

            w.Text(text[at..h.Start]).Markup("<mark>").Text(text.Substring(h.Start, h.Length)).Markup("</mark>");
            at = h.Start + h.Length;
        }

        w.Text(text[at..]);
    }
}

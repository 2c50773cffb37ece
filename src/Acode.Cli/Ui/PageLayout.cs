using Microsoft.AspNetCore.Http;

namespace Acode.Cli.Ui;

/// <summary>The frame of every page: head with the embedded stylesheet and script, the navigation, the body.</summary>
internal static class PageLayout
{
    public static string Render(string title, string workspace, Action<HtmlWriter> body)
    {
        var html = new HtmlWriter();
        html.Markup("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Markup("<title>").PlainText(title).Markup(" · acode</title>")
            .Markup("<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"/static/app.css\"><script src=\"/static/app.js\" defer></script></head><body>")
            .Markup("<header><nav><a class=\"brand\" href=\"/\">acode</a><a href=\"/\">Sessions</a><a href=\"/health\">Health</a></nav>")
            .Markup("<span class=\"workspace\" title=\"workspace\">").Text(workspace).Markup("</span></header><main>");
        body(html);
        html.Markup("</main></body></html>");
        return html.ToString();
    }

    /// <summary>A page that only says what went wrong and what to do, with a link back to the sessions list.</summary>
    public static string Problem(string workspace, string title, string message, string hint)
        => Render(title, workspace, html =>
        {
            html.Element("h1", title);
            WriteProblem(html, message, hint);
            BackToList(html);
        });

    /// <summary>The error and what to do about it (<c>#problem</c> and its hint), as the problem page and the list page above its form show them.</summary>
    public static void WriteProblem(HtmlWriter html, string message, string hint)
        => html.Markup("<p class=\"error\" id=\"problem\">").Text(message).Markup("</p>")
            .Markup("<p class=\"hint\">").Text(hint).Markup("</p>");

    /// <summary>The way out of an error page.</summary>
    public static void BackToList(HtmlWriter html) => html.Markup("<p class=\"next\"><a id=\"back\" href=\"/\">← Back to the sessions list</a></p>");

    /// <summary>An error answer: <see cref="Problem"/> with <paramref name="status"/>.</summary>
    public static IResult ProblemResult(string workspace, int status, string title, string message, string hint)
        => Results.Content(Problem(workspace, title, message, hint), "text/html; charset=utf-8", statusCode: status);
}

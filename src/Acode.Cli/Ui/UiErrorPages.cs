using Acode.Cli.Output;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Acode.Cli.Ui;

/// <summary>
/// No error answer of the viewer is blank. Behind the door (<see cref="UiAccessGuard"/>, which has already set the
/// security headers): an answer that ends with an error status and nothing written (no page at that path, a static
/// file that does not exist, a request an endpoint could not bind) gets a small page saying what was wrong, with a
/// link back to the list; an unexpected exception gets a 500 page (and is logged) instead of Kestrel's empty 500.
/// Under <see cref="UiApiErrors.Prefix"/> the same answers are JSON <c>{"error", "hint"}</c> (<see cref="UiApiErrors"/>).
/// </summary>
internal sealed class UiErrorPages(string workspace, ILogger logger)
{
    /// <summary>Of a path quoted on an error page, at most this many characters are shown.</summary>
    private const int ShownPathLength = 300;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            // Said on the terminal whatever the log level (the log is --verbose's, with the stack trace): the page asks for this line.
            logger.LogError(ex, "acode ui could not answer {Method} {Path}", context.Request.Method, context.Request.Path.Value);
            Console.Error.WriteLine(CommandAction.Printable($"Error: acode ui could not answer {context.Request.Method} {ShownPath(context)}: unexpected error ({ex.GetType().Name}): {ex.Message}"));
            string failure = $"The viewer could not answer for {ShownPath(context)} ({ex.GetType().Name}).";
            const string bugHint = "This is a bug in acode; please report it with the address you opened and the 'Error: acode ui could not answer …' line the terminal running 'acode ui' printed (with --verbose it adds the stack trace). The other pages still work.";
            if (UiApiErrors.IsApi(context))
            {
                await UiApiErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, failure, bugHint);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await WriteAsync(context, "Unexpected error", failure, bugHint);
            return;
        }

        HttpResponse response = context.Response;
        if (response.StatusCode < StatusCodes.Status400BadRequest || response.HasStarted)
        {
            return;
        }

        if (UiApiErrors.IsApi(context))
        {
            (string error, string apiHint) = response.StatusCode switch
            {
                StatusCodes.Status404NotFound => ($"There is no API endpoint at {ShownPath(context)}.",
                    "The viewer's one JSON endpoint is /api/sessions/{id}/tool-calls/{toolCallId}, which a session's page asks when a tool call is clicked: open the session's page and click the call."),
                StatusCodes.Status400BadRequest => ($"The request for {ShownPath(context)} could not be read.",
                    "Reload the session's page and click the tool call again."),
                int status => ($"The request for {ShownPath(context)} could not be answered (HTTP {status}).",
                    "Reload the session's page and click the tool call again."),
            };
            await UiApiErrors.WriteAsync(context, response.StatusCode, error, apiHint);
            return;
        }

        (string title, string message, string hint) = response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ("Page not found", $"There is no page at {ShownPath(context)}.",
                "The viewer's pages are the sessions list, each session (with its events and artifacts) and the health page: follow the links from the list."),
            StatusCodes.Status400BadRequest => ("Bad request", $"The request for {ShownPath(context)} could not be read.",
                "Check the address, or follow the links from the list."),
            int status => ($"Cannot answer ({status})", $"The request for {ShownPath(context)} could not be answered (HTTP {status}).",
                "Follow the links from the list."),
        };
        await WriteAsync(context, title, message, hint);
    }

    private Task WriteAsync(HttpContext context, string title, string message, string hint)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = null;
        return context.Response.WriteAsync(PageLayout.Problem(workspace, title, message, hint), context.RequestAborted);
    }

    private static string ShownPath(HttpContext context)
    {
        string path = context.Request.Path.Value is { Length: > 0 } value ? value : "/";
        return TextCut.Cut(path, ShownPathLength);
    }
}

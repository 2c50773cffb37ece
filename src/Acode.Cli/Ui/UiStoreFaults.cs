using Acode.Application.Errors;
using Microsoft.AspNetCore.Http;

namespace Acode.Cli.Ui;

/// <summary>
/// A store fault while answering (PostgreSQL gone while <c>acode ui --remote</c> runs, the workspace database locked
/// past its busy timeout) becomes a 503 page with the error's code, message and hint instead of an empty 500 (for a
/// JSON endpoint, the same as JSON: <see cref="UiApiErrors"/>); the viewer keeps serving and the next request tries again; the Health page names the last one (<see cref="UiFaultLog"/>). Messages never carry a password (<see cref="AcodeDbException"/>).
/// </summary>
internal sealed class UiStoreFaults(string workspace, UiFaultLog log)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (AcodeDbException ex) when (!context.Response.HasStarted)
        {
            log.Record(ex, context.Request.Path.Value ?? "/", DateTimeOffset.UtcNow);
            if (UiApiErrors.IsApi(context))
            {
                await UiApiErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"{ex.Code}: {ex.Message}", ex.Hint);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(PageLayout.Problem(workspace, "Cannot read the store", $"{ex.Code}: {ex.Message}", ex.Hint), context.RequestAborted);
        }
    }
}

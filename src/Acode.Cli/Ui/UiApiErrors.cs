using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Acode.Cli.Ui;

/// <summary>
/// The error answers of the viewer's JSON endpoints (every path under <see cref="Prefix"/>): JSON
/// <c>{"error": "...", "hint": "..."}</c> with the error's status, whatever the failure, so that the page's script can
/// show what went wrong and what to do (the error starts with its ACODE-DB code when there is one). Its text is made
/// visible (<see cref="VisibleText"/>) and JSON-encoded; the script puts it on screen with textContent only.
/// </summary>
internal static class UiApiErrors
{
    /// <summary>The JSON endpoints' paths start with this segment.</summary>
    public const string Prefix = "/api";

    private const string JsonType = "application/json; charset=utf-8";

    /// <summary>True when <paramref name="context"/> asks one of the JSON endpoints (or a path under theirs), whose errors are JSON.</summary>
    public static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The error as an endpoint's result.</summary>
    public static IResult Result(int status, string error, string hint) => Results.Text(Body(error, hint), JsonType, statusCode: status);

    /// <summary>Writes the error as the answer (for the middleware, before anything was written).</summary>
    public static Task WriteAsync(HttpContext context, int status, string error, string hint)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = JsonType;
        response.ContentLength = null;
        return response.WriteAsync(Body(error, hint), context.RequestAborted);
    }

    private static string Body(string error, string hint)
        => new JsonObject { ["error"] = VisibleText.Of(error), ["hint"] = VisibleText.Of(hint) }.ToJsonString();
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Acode.Cli.Ui;

/// <summary>
/// The viewer's door, in front of every endpoint:
/// <list type="bullet">
/// <item>security headers on every answer (a strict Content-Security-Policy: script and style only from the viewer's own
/// files, nothing inline, no frames, no referrer, no caching);</item>
/// <item>a Host other than 127.0.0.1 or localhost on this port is refused (403), so a rebound DNS name cannot reach it;</item>
/// <item>the per-run token: the first request brings it as <c>?token=</c>, gets it back as an HttpOnly SameSite=Strict
/// cookie and is redirected to the same URL without it; the one-time launch code given to the browser opener
/// (<c>?launch=</c>, <see cref="UiServer.OpenUrl"/>) does the same for one GET, then is refused (403): another method
/// (a link checker's HEAD, a POST) does not use it up, and is refused like any request with neither (403);</item>
/// <item>read-only: any method but GET and HEAD is refused (405).</item>
/// </list>
/// Refusals are one line of plain text; under <see cref="UiApiErrors.Prefix"/> JSON <c>{"error", "hint"}</c> like every error there.
/// </summary>
internal sealed class UiAccessGuard(string token, string launchCode)
{
    public const string TokenParameter = "token";

    /// <summary>The query parameter of the one-time launch code (<see cref="UiServer.OpenUrl"/>).</summary>
    public const string LaunchParameter = "launch";

    public const string ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private readonly byte[] _token = Encoding.UTF8.GetBytes(token);
    private readonly byte[] _launchCode = Encoding.UTF8.GetBytes(launchCode);
    private int _launched;

    /// <summary>The cookie name for the viewer on <paramref name="port"/> (cookies ignore ports; two viewers must not overwrite each other's).</summary>
    public static string CookieName(int port) => $"acode-ui-{port}";

    /// <summary>A new random token: 32 bytes from the OS's CSPRNG, base64url.</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        HttpResponse response = context.Response;
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
        response.Headers["Cross-Origin-Resource-Policy"] = "same-origin";
        response.Headers.CacheControl = "no-store";

        int port = context.Connection.LocalPort;
        string host = context.Request.Host.Host;
        if (context.Request.Host.Port != port || (host != "127.0.0.1" && !host.Equals("localhost", StringComparison.OrdinalIgnoreCase)))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "Forbidden: this viewer answers only to http://127.0.0.1 on its own port.",
                "Open the URL that 'acode ui' printed, as it is.");
            return;
        }

        string? queryToken = context.Request.Query[TokenParameter].LastOrDefault();
        string? queryLaunch = context.Request.Query[LaunchParameter].LastOrDefault();
        bool fromQuery = queryToken is not null && Matches(queryToken);
        bool launching = !fromQuery && queryLaunch is not null && HttpMethods.IsGet(context.Request.Method) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(queryLaunch), _launchCode);
        if (launching && Interlocked.Exchange(ref _launched, 1) == 1)
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "Forbidden: this launch link lets one browser in, and it was used already.",
                "Open the URL that 'acode ui' printed (it carries the token of this run).");
            return;
        }

        fromQuery |= launching;
        if (!fromQuery && !(context.Request.Cookies.TryGetValue(CookieName(port), out string? cookie) && Matches(cookie)))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "Forbidden: open the URL that 'acode ui' printed (it carries the token of this run).",
                "A viewer started again has a new token: open the URL it printed this time, then the session again.");
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.Headers.Allow = "GET, HEAD";
            await Refuse(context, StatusCodes.Status405MethodNotAllowed, "Method not allowed: this viewer is read-only.",
                "Ask with GET or HEAD; changes to the store are made on the command line (acode db sync retry and the like).");
            return;
        }

        if (fromQuery)
        {
            response.Cookies.Append(CookieName(port), token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                IsEssential = true,
            });
            var rest = context.Request.Query.Where(q => q.Key is not TokenParameter and not LaunchParameter).SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)));
            string target = context.Request.PathBase + context.Request.Path + QueryString.Create(rest);
            response.Redirect(target);
            return;
        }

        await next(context);
    }

    private bool Matches(string candidate) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _token);

    /// <summary>One line of plain text (no page: a stranger is not shown the workspace's name); for a JSON endpoint the same as JSON with <paramref name="hint"/>.</summary>
    private static Task Refuse(HttpContext context, int status, string message, string hint)
    {
        if (UiApiErrors.IsApi(context))
        {
            return UiApiErrors.WriteAsync(context, status, message, hint);
        }

        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(message + "\n");
    }
}

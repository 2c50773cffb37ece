using System.Globalization;
using System.Net;
using System.Reflection;
using Acode.Application;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Acode.Cli.Ui;

/// <summary>
/// The web viewer: Kestrel on 127.0.0.1 only, behind <see cref="UiAccessGuard"/>, serving server-rendered pages over the
/// store's read ports and the embedded script and stylesheet. Nothing it serves changes the store.
/// </summary>
internal sealed class UiServer : IAsyncDisposable
{
    /// <summary>The longest request line (method, path and query) and the most header bytes taken: 64 KiB.</summary>
    public const int MaxRequestLineBytes = 64 * 1024;

    private readonly WebApplication _app;

    private UiServer(WebApplication app, string baseUrl, string token, string launchCode)
    {
        _app = app;
        BaseUrl = baseUrl;
        Token = token;
        LaunchCode = launchCode;
    }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl { get; }

    public string Token { get; }

    /// <summary>The URL to open: the base URL with this run's token.</summary>
    public string LaunchUrl => $"{BaseUrl}/?{UiAccessGuard.TokenParameter}={Token}";

    /// <summary>The code of <see cref="OpenUrl"/>, good for one request (<see cref="UiAccessGuard"/>).</summary>
    public string LaunchCode { get; }

    /// <summary>
    /// The URL given to the browser opener: the base URL with <see cref="LaunchCode"/>, which lets one request in. A
    /// process's command line is readable by every local user (<c>/proc/PID/cmdline</c>, <c>ps</c>), and xdg-open's and
    /// the browser's hold this URL, so it carries no token that stays good (trial AU 3).
    /// </summary>
    public string OpenUrl => $"{BaseUrl}/?{UiAccessGuard.LaunchParameter}={LaunchCode}";

    /// <summary>Starts the viewer on 127.0.0.1:<paramref name="port"/> (0: a free port the OS picks).</summary>
    /// <exception cref="IOException">The port is taken (Kestrel's address-in-use error).</exception>
    public static async Task<UiServer> StartAsync(UiSources sources, int port, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "acode" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Kestrel answers a request it cannot take itself, before any middleware: no body and none of the door's
            // headers. Its 8 KiB request line would refuse a search box's longest query (4,096 characters, up to 12
            // bytes each once percent-encoded) with a bare 414; with room for it the viewer's own page says what is wrong.
            kestrel.Limits.MaxRequestLineSize = MaxRequestLineBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = MaxRequestLineBytes;
            // Browsers speak HTTP/1.1 to an http:// address; HTTP/2 without TLS (prior knowledge) is not offered.
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        WebApplication app = builder.Build();

        string token = UiAccessGuard.NewToken();
        string launchCode = UiAccessGuard.NewToken();
        var guard = new UiAccessGuard(token, launchCode);
        app.Use(guard.InvokeAsync);
        app.Use(new UiErrorPages(sources.Workspace, loggerFactory.CreateLogger<UiErrorPages>()).InvokeAsync);
        var faults = new UiFaultLog();
        app.Use(new UiStoreFaults(sources.Workspace, faults).InvokeAsync);
        if (sources.EnsureCurrent is { } ensureCurrent)
        {
            // Every page first checks that the workspace database is still the one opened and at the schema checked
            // (a removed or replaced file, or a newer acode's migration, is a 503 for every page alike; static files need no database).
            app.Use((context, next) =>
            {
                if (!context.Request.Path.StartsWithSegments("/static", StringComparison.Ordinal))
                {
                    ensureCurrent();
                }

                return next(context);
            });
        }

        Map(app, sources, faults);
        await app.StartAsync(cancellationToken);

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        int boundPort = new Uri(address).Port;
        return new UiServer(app, $"http://127.0.0.1:{boundPort}", token, launchCode);
    }

    public Task StopAsync() => _app.StopAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static void Map(WebApplication app, UiSources s, UiFaultLog faults)
    {
        var list = new SessionListPage(s.Store, s.Search, s.Workspace, s.Remote);
        var session = new SessionPage(s.Store, s.ImportSources, s.SessionWorkspaces, s.NotInPostgres, s.Workspace, s.Where, s.Remote);
        var artifact = new ArtifactPage(s.Store, s.Workspace);
        var artifactContent = new ArtifactContentEndpoint(s.Store, s.Workspace);
        var toolCall = new ToolCallEndpoint(s.Store);
        Func<long?, CancellationToken, Task<IResult>> healthPage = s is { Outbox: { } outbox, Sync: { } sync }
            ? new HealthPage(outbox, sync, s.Conflicts, s.Schema, s.DatabasePath, s.Workspace, faults).RenderAsync
            : new RemoteHealthPage(s.Conflicts!, s.Schema, s.DatabasePath, s.Workspace, faults).RenderAsync;
        string[] read = [HttpMethods.Get, HttpMethods.Head];

        app.MapMethods("/", read, (HttpRequest request, CancellationToken ct) => list.RenderAsync(request.Query, ct));
        app.MapMethods("/sessions/{id}", read, (string id, CancellationToken ct) => session.RenderAsync(id, ct));
        app.MapMethods("/sessions/{id}/events", read, (string id, HttpRequest request, CancellationToken ct) => session.RenderEventsAsync(id, request.Query["after"].LastOrDefault(), ct));
        app.MapMethods("/sessions/{id}/artifacts/{artifactId}", read, (string id, string artifactId, CancellationToken ct) => artifact.RenderAsync(id, artifactId, ct));
        app.MapMethods("/sessions/{id}/artifacts/{artifactId}/content", read, (string id, string artifactId, CancellationToken ct) => artifactContent.GetAsync(id, artifactId, ct));
        app.MapMethods("/api/sessions/{id}/tool-calls/{toolCallId}", read, (string id, string toolCallId, CancellationToken ct) => toolCall.GetAsync(id, toolCallId, ct));
        app.MapMethods("/health", read, (HttpRequest request, CancellationToken ct) => Health(request.Query["conflicts_before"].LastOrDefault(), ct));
        app.MapMethods("/static/{name}", read, (string name) => StaticFile(name));

        Task<IResult> Health(string? before, CancellationToken ct)
        {
            if (string.IsNullOrEmpty(before))
            {
                return healthPage(null, ct);
            }

            return long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id > 0
                ? healthPage(id, ct)
                : Task.FromResult(PageLayout.ProblemResult(s.Workspace, StatusCodes.Status400BadRequest, "Cannot show the conflicts",
                    $"'{before}' is not a conflict number: conflicts_before= takes the number of the last conflict shown (1 or more).",
                    "Follow the 'Older conflicts' link of the health page as it is, or open the health page without it for the newest conflicts."));
        }
    }

    private static IResult StaticFile(string name)
    {
        string? type = Path.GetExtension(name) switch
        {
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => null,
        };
        Stream? stream = type is null ? null : Assembly.GetExecutingAssembly().GetManifestResourceStream("Acode.Cli.Ui.Static." + name);
        // Not found: an empty 404, which UiErrorPages turns into its page.
        return stream is null ? Results.NotFound() : Results.Stream(stream, type);
    }
}

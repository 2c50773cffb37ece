using System.Net;
using System.Text;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Acode.Ui.Tests.Support;
using Microsoft.Playwright;

namespace Acode.Ui.Tests;

/// <summary>
/// An image artifact (a screenshot an agent saved) is shown on its page as an image, loaded from
/// <c>/sessions/{id}/artifacts/{aid}/content</c>, which serves only PNG, JPEG, GIF and WebP whose bytes are of the
/// declared type, with nosniff and a policy that lets nothing run; it used to say "Binary content (76 B); not shown."
/// A file declared image/png whose bytes are not a PNG, and an SVG (which can carry script), are never served as images.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class UiImageArtifactTests(PostgresFixture fixture) : IDisposable
{
    /// <summary>A valid 3×2 PNG (RGB: red, green, blue on each row), 76 bytes.</summary>
    private static readonly byte[] Png =
    [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x03,
        0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0x12, 0x16, 0xF1, 0x4D, 0x00, 0x00, 0x00, 0x13, 0x49, 0x44, 0x41,
        0x54, 0x78, 0xDA, 0x63, 0xF8, 0xCF, 0xC0, 0xC0, 0xD0, 0x00, 0xC4, 0xFF, 0x19, 0xE0, 0x2C, 0x00, 0x31, 0xEC, 0x04, 0xFD,
        0x37, 0xB4, 0xB3, 0xDE, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    /// <summary>A valid 1×1 GIF: an image, but not a PNG.</summary>
    private static readonly byte[] Gif =
    [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x21,
        0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44,
        0x01, 0x00, 0x3B,
    ];

    private const string PngName = "screen <b>shot</b> \"1\".png";

    private const string Svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"window.__pwned='svg'\"><script>window.__pwned='svg-script'</script><rect width=\"4\" height=\"4\"/></svg>";

    private readonly CliWorkspace _workspace = new();
    private readonly CliWorkspace _remote = new();

    [Fact]
    public async Task A_PNG_artifact_page_shows_the_image_the_browser_loaded()
    {
        Saved s = await WriteSessionAsync(_workspace.Root);
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        await using HeadlessBrowser browser = await HeadlessBrowser.LaunchAsync();
        IPage page = await browser.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add(message.Text);
            }
        };
        await page.GotoAsync(ui.LaunchUrl);

        await page.GotoAsync(ui.BaseUrl + $"/sessions/{s.SessionId}/artifacts/{s.Png}");
        ILocator image = page.Locator("#artifact-image");
        Assert.Equal(1, await image.CountAsync());
        Assert.Equal(0, await page.Locator("#artifact-binary").CountAsync());
        Assert.Equal($"/sessions/{s.SessionId}/artifacts/{s.Png}/content", await image.GetAttributeAsync("src"));
        // The name is the alt text as it is, never markup.
        Assert.Equal(PngName, await image.GetAttributeAsync("alt"));
        Assert.Equal(0, await page.Locator("main b").CountAsync());
        await page.WaitForFunctionAsync("() => document.getElementById('artifact-image').complete");
        Assert.Equal(new[] { 3, 2 }, await image.EvaluateAsync<int[]>("img => [img.naturalWidth, img.naturalHeight]"));
        Assert.Equal("100%", await image.EvaluateAsync<string>("img => getComputedStyle(img).maxWidth"));
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_content_endpoint_serves_the_PNG_s_bytes_with_safe_headers()
    {
        Saved s = await WriteSessionAsync(_workspace.Root);
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        UiAnswer png = await http.GetAsync($"/sessions/{s.SessionId}/artifacts/{s.Png}/content");
        Assert.True(png.Status == HttpStatusCode.OK, png.ToString());
        Assert.Equal(Png, png.Bytes);
        AssertImageHeaders(png, "image/png", "inline");
        Assert.Equal("76", png.Headers["Content-Length"]);

        UiAnswer head = await http.SendAsync(HttpMethod.Head, $"/sessions/{s.SessionId}/artifacts/{s.Png}/content");
        Assert.True(head.Status == HttpStatusCode.OK, head.ToString());
        Assert.Empty(head.Bytes);
        AssertImageHeaders(head, "image/png", "inline");

        // A simple name is given as the file name; the declared type's parameters and case do not change what is served.
        UiAnswer named = await http.GetAsync($"/sessions/{s.SessionId}/artifacts/{s.NamedPng}/content");
        Assert.True(named.Status == HttpStatusCode.OK, named.ToString());
        AssertImageHeaders(named, "image/png", "inline; filename=\"shot-1.png\"");

        foreach ((string id, string type, string name) in new[] { (s.Jpeg, "image/jpeg", "photo.jpg"), (s.Gif, "image/gif", "anim.gif"), (s.Webp, "image/webp", "pic.webp") })
        {
            UiAnswer other = await http.GetAsync($"/sessions/{s.SessionId}/artifacts/{id}/content");
            Assert.True(other.Status == HttpStatusCode.OK, other.ToString());
            AssertImageHeaders(other, type, $"inline; filename=\"{name}\"");
        }

        // Without the cookie the door refuses it, as every page.
        UiAnswer stranger = await http.SendAsync(HttpMethod.Get, $"/sessions/{s.SessionId}/artifacts/{s.Png}/content", withCookie: false);
        Assert.Equal(HttpStatusCode.Forbidden, stranger.Status);
        Assert.DoesNotContain("image", stranger.Headers["Content-Type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PNG_declared_artifact_whose_bytes_are_not_a_PNG_and_an_SVG_are_not_served_as_images()
    {
        Saved s = await WriteSessionAsync(_workspace.Root);
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        foreach (string id in new[] { s.FakePng, s.TextPng, s.Svg, s.Text, s.Reference })
        {
            UiAnswer content = await http.GetAsync($"/sessions/{s.SessionId}/artifacts/{id}/content");
            Assert.True(content.Status == HttpStatusCode.NotFound, content.ToString());
            Assert.StartsWith("text/html", content.Headers["Content-Type"], StringComparison.Ordinal);
            Assert.Contains($"Artifact {id} in session {s.SessionId} is not an image the viewer shows: only stored PNG, JPEG, GIF and WebP content whose bytes are of its declared type is.", content.Text, StringComparison.Ordinal);
            Assert.Contains($"'acode session export {s.SessionId}' gives its content whole (base64).", content.Text, StringComparison.Ordinal);
            Assert.Contains("Back to the sessions list", content.Text, StringComparison.Ordinal);
        }

        UiAnswer fake = await http.GetAsync($"/sessions/{s.SessionId}/artifacts/{s.FakePng}");
        Assert.True(fake.Status == HttpStatusCode.OK, fake.ToString());
        Assert.DoesNotContain("<img", fake.Body, StringComparison.Ordinal);
        Assert.Contains("Binary content (43 B); not shown.", fake.Text, StringComparison.Ordinal);
        Assert.Contains($"Its media type says image/png, but its bytes are not a PNG image, so it is not shown as one; 'acode session export {s.SessionId}' gives the content whole (base64).", fake.Text, StringComparison.Ordinal);

        // Bytes that read as text under an image type are not shown either, with the same reason.
        UiAnswer textPng = await http.GetAsync($"/sessions/{s.SessionId}/artifacts/{s.TextPng}");
        Assert.True(textPng.Status == HttpStatusCode.OK, textPng.ToString());
        Assert.DoesNotContain("artifact-content", textPng.Body, StringComparison.Ordinal);
        Assert.Contains("Binary content (35 B); not shown.", textPng.Text, StringComparison.Ordinal);
        Assert.Contains("Its media type says image/png, but its bytes are not a PNG image", textPng.Text, StringComparison.Ordinal);

        // A link with the ids in lower case (as the command line takes them) opens the same page.
        UiAnswer lower = await http.GetAsync($"/sessions/{s.SessionId.ToLowerInvariant()}/artifacts/{s.Png.ToLowerInvariant()}");
        Assert.True(lower.Status == HttpStatusCode.OK, lower.ToString());
        Assert.Contains($"<img id=\"artifact-image\" src=\"/sessions/{s.SessionId}/artifacts/{s.Png}/content\"", lower.Body, StringComparison.Ordinal);
        UiAnswer lowerSession = await http.GetAsync($"/sessions/{s.SessionId.ToLowerInvariant()}");
        Assert.True(lowerSession.Status == HttpStatusCode.OK, lowerSession.ToString());

        // An SVG stays text, as before: its script is shown, never run or served as image/svg+xml.
        UiAnswer svg = await http.GetAsync($"/sessions/{s.SessionId}/artifacts/{s.Svg}");
        Assert.True(svg.Status == HttpStatusCode.OK, svg.ToString());
        Assert.DoesNotContain("<img", svg.Body, StringComparison.Ordinal);
        Assert.Contains("<pre class=\"content\" id=\"artifact-content\">" + Svg + "</pre>", svg.Text, StringComparison.Ordinal);

        // Unknown ids: the artifact page's 404; a malformed one its 400.
        foreach ((string path, HttpStatusCode status, string title) in new[]
        {
            ($"/sessions/{s.SessionId}/artifacts/art_{new string('0', 26)}/content", HttpStatusCode.NotFound, "Artifact not found"),
            ($"/sessions/sess_{new string('0', 26)}/artifacts/{s.Png}/content", HttpStatusCode.NotFound, "Session not found"),
            ($"/sessions/nope/artifacts/{s.Png}/content", HttpStatusCode.BadRequest, "Not a session id"),
        })
        {
            UiAnswer missing = await http.GetAsync(path);
            Assert.True(missing.Status == status, missing.ToString());
            Assert.Contains(title, missing.Text, StringComparison.Ordinal);
            Assert.StartsWith("text/html", missing.Headers["Content-Type"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_remote_viewer_serves_an_image_artifact_from_PostgreSQL()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _workspace.Environment["ACODE_POSTGRES_URL"] = url;
        _remote.Environment["ACODE_POSTGRES_URL"] = url;
        Saved s = await WriteSessionAsync(_workspace.Root);
        await _workspace.RunOkAsync("db", "sync");
        await using UiProcess ui = await UiProcess.StartAsync(_remote, "--remote");
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        UiAnswer page = await http.GetAsync($"/sessions/{s.SessionId}/artifacts/{s.Png}");
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        Assert.Contains($"<img id=\"artifact-image\" src=\"/sessions/{s.SessionId}/artifacts/{s.Png}/content\"", page.Body, StringComparison.Ordinal);
        UiAnswer png = await http.GetAsync($"/sessions/{s.SessionId}/artifacts/{s.Png}/content");
        Assert.True(png.Status == HttpStatusCode.OK, png.ToString());
        Assert.Equal(Png, png.Bytes);
        AssertImageHeaders(png, "image/png", "inline");
        UiAnswer svg = await http.GetAsync($"/sessions/{s.SessionId}/artifacts/{s.Svg}/content");
        Assert.Equal(HttpStatusCode.NotFound, svg.Status);
    }

    public void Dispose()
    {
        _workspace.Dispose();
        _remote.Dispose();
    }

    private static void AssertImageHeaders(UiAnswer answer, string type, string disposition)
    {
        Assert.Equal(type, answer.Headers["Content-Type"]);
        Assert.Equal("nosniff", answer.Headers["X-Content-Type-Options"]);
        Assert.Equal("default-src 'none'", answer.Headers["Content-Security-Policy"]);
        Assert.Equal(disposition, answer.Headers["Content-Disposition"]);
        Assert.Equal("no-store", answer.Headers["Cache-Control"]);
    }

    private static async Task<Saved> WriteSessionAsync(string root)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(root));
        var store = new SqliteRunStateStore(database);
        Session session = await store.CreateSessionAsync("Screenshots");
        Artifact Add(string name, string mediaType, byte[] content) => session.AddArtifact(name, ArtifactKind.File, mediaType, content);
        var saved = new Saved
        {
            SessionId = session.Id.Value,
            Png = Add(PngName, "image/png", Png).Id.Value,
            NamedPng = Add("shot-1.png", "IMAGE/PNG; x=y", Png).Id.Value,
            Jpeg = Add("photo.jpg", "image/jpeg", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. "JFIF"u8, 0x00]).Id.Value,
            Gif = Add("anim.gif", "image/gif", Gif).Id.Value,
            Webp = Add("pic.webp", "image/webp", [.. "RIFF"u8, 0x1A, 0x00, 0x00, 0x00, .. "WEBPVP8L"u8, 0x0D, 0x00, 0x00, 0x00]).Id.Value,
            FakePng = Add("not-really.png", "image/png", Gif).Id.Value,
            TextPng = Add("text.png", "image/png", Encoding.UTF8.GetBytes("not a png <script>alert(1)</script>")).Id.Value,
            Svg = Add("logo.svg", "image/svg+xml", Encoding.UTF8.GetBytes(Svg)).Id.Value,
            Text = Add("notes.txt", "text/plain", Encoding.UTF8.GetBytes("hello")).Id.Value,
            Reference = session.AddArtifactReference("big.png", ArtifactKind.File, "image/png", 1_000_000, new string('a', 64)).Id.Value,
        };
        await store.SaveAsync(session);
        return saved;
    }

    private sealed class Saved
    {
        public required string SessionId { get; init; }

        public required string Png { get; init; }

        public required string NamedPng { get; init; }

        public required string Jpeg { get; init; }

        public required string Gif { get; init; }

        public required string Webp { get; init; }

        public required string FakePng { get; init; }

        public required string TextPng { get; init; }

        public required string Svg { get; init; }

        public required string Text { get; init; }

        public required string Reference { get; init; }
    }
}

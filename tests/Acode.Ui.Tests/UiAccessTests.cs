using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Acode.Cli.Tests.Support;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>The viewer's door over plain HTTP: 127.0.0.1 only, the per-run token, read-only, security headers, Ctrl+C.</summary>
public sealed class UiAccessTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Every_path_without_the_token_is_403_and_a_wrong_token_too()
    {
        await _workspace.RunOkAsync("demo");
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        foreach (string path in new[] { "/", "/health", "/static/app.js", "/static/app.css", "/sessions/x", "/api/sessions/x/tool-calls/y", "/nope", "/?token=wrong", "/?token=" + ui.Token[..^1] })
        {
            using HttpResponseMessage response = await client.GetAsync(ui.BaseUrl + path);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"GET {path}: {response.StatusCode}");
            Assert.DoesNotContain("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        using var wrongCookie = new HttpRequestMessage(HttpMethod.Get, ui.BaseUrl + "/");
        wrongCookie.Headers.Add("Cookie", $"acode-ui-{new Uri(ui.BaseUrl).Port}=not-the-token");
        using HttpResponseMessage refused = await client.SendAsync(wrongCookie);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task The_token_sets_an_HttpOnly_SameSite_Strict_cookie_and_redirects_to_the_url_without_it()
    {
        await _workspace.RunOkAsync("db", "migrate"); // the viewer creates no workspace
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        Assert.StartsWith("http://127.0.0.1:", ui.LaunchUrl, StringComparison.Ordinal);
        Assert.True(ui.Token.Length >= 40, ui.Token);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using HttpResponseMessage first = await client.GetAsync(ui.WithToken("/health?x=1"));
        Assert.Equal(HttpStatusCode.Found, first.StatusCode);
        Assert.Equal("/health?x=1", first.Headers.Location?.OriginalString);
        string cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var second = new HttpRequestMessage(HttpMethod.Get, ui.BaseUrl + "/health");
        second.Headers.Add("Cookie", cookie.Split(';')[0]);
        using HttpResponseMessage page = await client.SendAsync(second);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType?.ToString());
        Assert.Equal("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
            Assert.Single(page.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(page.Headers.GetValues("Referrer-Policy")));
        Assert.Contains("Outbox", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anything_but_GET_and_HEAD_is_405_even_with_the_token_and_changes_nothing()
    {
        await _workspace.RunOkAsync("demo");
        string before = (await _workspace.RunOkAsync("session", "list", "--json")).Stdout;
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        foreach (HttpMethod method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options, new HttpMethod("PROPFIND") })
        {
            using var request = new HttpRequestMessage(method, ui.WithToken("/"));
            request.Content = new StringContent("state=Cancelled");
            using HttpResponseMessage response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.MethodNotAllowed, $"{method}: {response.StatusCode}");
            Assert.Equal("GET, HEAD", response.Content.Headers.Allow.Count > 0 ? string.Join(", ", response.Content.Headers.Allow) : Assert.Single(response.Headers.GetValues("Allow")));
        }

        using HttpResponseMessage post = await client.PostAsync(ui.BaseUrl + "/", new StringContent(""));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        using var head = new HttpRequestMessage(HttpMethod.Head, ui.WithToken("/"));
        using HttpResponseMessage headResponse = await client.SendAsync(head);
        Assert.Equal(HttpStatusCode.Found, headResponse.StatusCode);
        Assert.Equal(before, (await _workspace.RunOkAsync("session", "list", "--json")).Stdout);
    }

    [Fact]
    public async Task A_foreign_Host_header_is_refused_so_a_rebound_DNS_name_cannot_reach_the_viewer()
    {
        await _workspace.RunOkAsync("db", "migrate"); // the viewer creates no workspace
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, ui.WithToken("/"));
        request.Headers.Host = "attacker.example:" + new Uri(ui.BaseUrl).Port;
        using HttpResponseMessage response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task It_listens_on_127_0_0_1_only()
    {
        await _workspace.RunOkAsync("db", "migrate"); // the viewer creates no workspace
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        int port = new Uri(ui.BaseUrl).Port;
        IPAddress[] others = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && a.AddressFamily == AddressFamily.InterNetwork).ToArray();
        foreach (IPAddress address in others.Append(IPAddress.IPv6Loopback))
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            var error = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(address, port).WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        }
    }

    [Fact]
    public async Task Ctrl_C_stops_it_cleanly_with_exit_0_and_a_taken_port_is_a_clear_error()
    {
        await _workspace.RunOkAsync("db", "migrate"); // the viewer creates no workspace
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        int port = new Uri(ui.BaseUrl).Port;
        AcodeResult taken = await _workspace.RunAsync("ui", "--no-open", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains($"Error: Cannot listen on 127.0.0.1:{port}", taken.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Pick another port with --port", taken.Stderr, StringComparison.Ordinal);

        AcodeResult stopped = await ui.StopAsync();
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.EndsWith("Stopped.", stopped.Stdout.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stopped.Stderr, StringComparison.Ordinal);
        using var client = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(ui.LaunchUrl));
    }

    [Fact]
    public async Task A_port_another_program_holds_is_one_error_line_without_a_stack_trace()
    {
        await _workspace.RunOkAsync("db", "migrate");
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;

        AcodeResult taken = await _workspace.RunAsync("ui", "--no-open", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(taken.ExitCode == 1, taken.ToString());
        string[] lines = taken.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 2, taken.ToString());
        Assert.StartsWith($"Error: Cannot listen on 127.0.0.1:{port}: ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Try: Pick another port with --port", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed to start", taken.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", taken.Stderr, StringComparison.Ordinal);
        Assert.Empty(taken.Stdout);
    }

    [Fact]
    public async Task Without_no_open_it_hands_the_url_to_xdg_open_and_runs_on_when_there_is_none()
    {
        await _workspace.RunOkAsync("db", "migrate");
        string bin = Directory.CreateTempSubdirectory("acode-ui-path-").FullName;
        try
        {
            string recorded = Path.Combine(bin, "opened.txt");
            string opener = Path.Combine(bin, "xdg-open");
            await File.WriteAllTextAsync(opener, $"#!/bin/sh\nprintf '%s' \"$1\" > '{recorded}'\n");
            File.SetUnixFileMode(opener, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            _workspace.Environment["PATH"] = bin + ":/usr/bin:/bin";
            await using (UiProcess ui = await UiProcess.StartWithArgumentsAsync(_workspace, []))
            {
                for (int i = 0; i < 100 && !File.Exists(recorded); i++)
                {
                    await Task.Delay(100);
                }

                // Trial AU 3: the token was on xdg-open's command line, which every local user can read (/proc/PID/cmdline).
                string opened = await File.ReadAllTextAsync(recorded);
                Assert.StartsWith(ui.BaseUrl + "/?launch=", opened, StringComparison.Ordinal);
                Assert.DoesNotContain(ui.LaunchUrl[(ui.LaunchUrl.IndexOf("token=", StringComparison.Ordinal) + 6)..], opened, StringComparison.Ordinal);

                // Its code lets one browser in, once: a second use is refused, the printed URL still works. Another method
                // (a link checker's HEAD, a POST) is refused and does not use it up.
                using var launcher = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
                foreach (HttpMethod method in new[] { HttpMethod.Head, HttpMethod.Post })
                {
                    using var other = new HttpRequestMessage(method, opened);
                    using HttpResponseMessage refused = await launcher.SendAsync(other);
                    Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
                    Assert.False(refused.Headers.Contains("Set-Cookie"), method.Method);
                }

                using HttpResponseMessage first = await launcher.GetAsync(opened);
                Assert.Equal(HttpStatusCode.Found, first.StatusCode);
                Assert.Equal("/", first.Headers.Location?.OriginalString);
                Assert.Contains(first.Headers.GetValues("Set-Cookie"), c => c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
                using HttpResponseMessage again = await launcher.GetAsync(opened);
                Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
                Assert.Contains("used already", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                using HttpResponseMessage printed = await launcher.GetAsync(ui.LaunchUrl);
                Assert.Equal(HttpStatusCode.Found, printed.StatusCode);
            }

            // No xdg-open anywhere on PATH: the URL is printed and the viewer serves all the same.
            _workspace.Environment["PATH"] = Path.Combine(bin, "empty");
            await using UiProcess bare = await UiProcess.StartWithArgumentsAsync(_workspace, []);
            using var client = new HttpClient();
            using HttpResponseMessage page = await client.GetAsync(bare.LaunchUrl);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal(0, (await bare.StopAsync()).ExitCode);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    [Fact]
    [Trait("Issue", "trialAU.8")]
    public async Task The_verbose_log_does_not_hold_the_token()
    {
        await _workspace.RunOkAsync("db", "migrate");
        await using UiProcess ui = await UiProcess.StartAsync(_workspace, "--verbose");
        using (var client = new HttpClient())
        using (HttpResponseMessage page = await client.GetAsync(ui.LaunchUrl))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        AcodeResult stopped = await ui.StopAsync();

        string token = ui.LaunchUrl[(ui.LaunchUrl.IndexOf("token=", StringComparison.Ordinal) + "token=".Length)..];
        Assert.Contains("dbug:", stopped.Stderr, StringComparison.Ordinal); // the verbose log is there
        Assert.DoesNotContain(token, stopped.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_out_of_range_is_a_usage_error()
    {
        AcodeResult result = await _workspace.RunAsync("ui", "--no-open", "--port", "70000");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--port must be between 1 and 65535", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}

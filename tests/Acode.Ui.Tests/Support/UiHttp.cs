using System.Net;

namespace Acode.Ui.Tests.Support;

/// <summary>Plain HTTP to a running viewer with its cookie (no browser): the first request brings the token and keeps the cookie it gets back.</summary>
public sealed class UiHttp : IDisposable
{
    private readonly HttpClient _client = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly UiProcess _ui;
    private string _cookie = "";

    private UiHttp(UiProcess ui) => _ui = ui;

    public static async Task<UiHttp> ConnectAsync(UiProcess ui)
    {
        var http = new UiHttp(ui);
        using HttpResponseMessage first = await http._client.GetAsync(ui.WithToken("/"));
        http._cookie = Assert.Single(first.Headers.GetValues("Set-Cookie")).Split(';')[0];
        return http;
    }

    /// <summary>GET <paramref name="pathAndQuery"/> (as sent, not escaped again) with the cookie.</summary>
    public Task<UiAnswer> GetAsync(string pathAndQuery) => SendAsync(HttpMethod.Get, pathAndQuery);

    /// <summary><paramref name="method"/> <paramref name="pathAndQuery"/> (as sent, not escaped again), with the cookie unless <paramref name="withCookie"/> is false.</summary>
    public async Task<UiAnswer> SendAsync(HttpMethod method, string pathAndQuery, bool withCookie = true)
    {
        using var request = new HttpRequestMessage(method, new Uri(_ui.BaseUrl + pathAndQuery, UriKind.Absolute));
        if (withCookie)
        {
            request.Headers.Add("Cookie", _cookie);
        }

        using HttpResponseMessage response = await _client.SendAsync(request);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, IEnumerable<string>> header in response.Headers.Concat(response.Content.Headers))
        {
            headers[header.Key] = string.Join(", ", header.Value);
        }

        // The content is buffered by the first read, so the text is read from the same bytes.
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();
        return new UiAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(), headers) { Bytes = bytes };
    }

    public void Dispose() => _client.Dispose();
}

using System.Net;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// A long path or id quoted by an error of the viewer is cut as every shortened text of acode is: never between the two
/// halves of a surrogate pair (an emoji right at the cut), "…" after it. A half pair became U+FFFD on the page and a
/// lone <c>\ud83d</c> in the JSON.
/// </summary>
public sealed class UiShownCutTests : IDisposable
{
    private const string Emoji = "%F0%9F%98%80";

    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "review24.text-cut")]
    public async Task A_path_or_id_cut_for_an_error_never_keeps_half_an_emoji()
    {
        await _workspace.RunOkAsync("demo");
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        // The page quotes at most 300 characters of the path: "/", 298 letters, then the emoji's first half at 300.
        UiAnswer page = await http.GetAsync("/" + new string('x', 298) + Emoji + "tail");
        Assert.True(page.Status == HttpStatusCode.NotFound, page.ToString());
        Assert.Contains("There is no page at /" + new string('x', 298) + "….", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', page.Text);

        // The JSON endpoint quotes at most 100 characters of an id.
        UiAnswer call = await http.GetAsync($"/api/sessions/{new string('x', 99)}{Emoji}tail/tool-calls/tc_01JD3Z6Q6V2K8M4N5P7R9S1T3V");
        Assert.True(call.Status == HttpStatusCode.BadRequest, call.ToString());
        using JsonDocument json = JsonDocument.Parse(call.Body);
        string error = json.RootElement.GetProperty("error").GetString()!;
        Assert.StartsWith($"'{new string('x', 99)}…' is not a session id", error, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}

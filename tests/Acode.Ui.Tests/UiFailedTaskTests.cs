using System.Net;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>README: "failed calls, and the steps and tasks holding them, in red": the task row of a step with a failed call is marked failed too.</summary>
public sealed partial class UiFailedTaskTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "uitrial.5")]
    public async Task A_completed_task_holding_a_failed_call_is_red_like_its_step()
    {
        // Task 1 and task 2 each hold a step with a failed call; both tasks and steps completed. Task 3 failed nothing.
        string id = await StoreSessions.WriteRealisticAsync(_workspace.Root);
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        UiAnswer page = await http.GetAsync("/sessions/" + id);

        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        var tasks = TaskRow().Matches(page.Body).ToDictionary(m => m.Groups["label"].Value, m => m.Groups["class"].Value);
        Assert.Equal("row task state-Completed failed", tasks["Task 1 · Understand the client"]);
        Assert.Equal("row task state-Completed failed", tasks["Task 2 · Add the retry handler"]);
        Assert.Equal("row task state-Completed", tasks["Task 3 · Verify"]);
        Assert.Contains("class=\"row step state-Completed failed\"><span class=\"label\">Step 2 · Reproduce the failure", page.Body, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    [GeneratedRegex("""<summary class="(?<class>row task[^"]*)"><span class="label">(?<label>[^<]*)</span>""")]
    private static partial Regex TaskRow();
}

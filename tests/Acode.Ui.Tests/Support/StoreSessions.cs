using System.Globalization;
using System.Text;
using System.Text.Json;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;

namespace Acode.Ui.Tests.Support;

/// <summary>Writes sessions the demo cannot make (hostile text, 10 000 tool calls) through the public store API into a workspace's real database.</summary>
public static class StoreSessions
{
    /// <summary>Set by any of the corpus's scripts if it ever runs.</summary>
    public const string PwnedGlobal = "__pwned";

    /// <summary>What a tool might return that a browser would act on if it were not escaped.</summary>
    public static readonly string[] Corpus =
    [
        $"<script>window.{PwnedGlobal}='script';alert('script')</script>",
        $"<img src=x onerror=\"window.{PwnedGlobal}='img';alert('img')\">",
        $"<a href=\"javascript:window.{PwnedGlobal}='link'\" id=\"evil-link\">click me</a>",
        "<b>bold</b><iframe src=\"javascript:alert('frame')\"></iframe>",
        $"\"><svg onload=\"window.{PwnedGlobal}='svg'\">",
        $"</pre></code></td><script>window.{PwnedGlobal}='breakout'</script>",
        "\u001b[31mred\u001b[0m and \u001b]8;;http://example.invalid\u001b\\osc8 link\u001b]8;;\u001b\\",
        "invoice\u202Efdp.exe and \u2066isolated\u2069 and zero\u200Bwidth",
        "{{constructor.constructor('alert(1)')()}} ${alert(2)} <!-- comment --> &amp; &lt;",
        "javascript:alert('bare')",
    ];

    public static string AllOfIt => string.Join("\n", Corpus);

    /// <summary>A session whose every text field carries the hostile corpus; returns its id and the id of its hostile tool call.</summary>
    public static async Task<(string SessionId, string ToolCallId)> WriteHostileAsync(string workspaceRoot)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(workspaceRoot));
        var store = new SqliteRunStateStore(database);
        Session session = await store.CreateSessionAsync($"Hostile {Corpus[0]} {Corpus[7]}", AllOfIt);
        SessionTask task = session.AddTask($"Task {Corpus[1]}", AllOfIt);
        task.Start();
        Step step = task.AddStep($"Step {Corpus[6]} {Corpus[4]}", AllOfIt);
        step.Start();
        string arguments = JsonSerializer.Serialize(new Dictionary<string, string> { ["cmd"] = Corpus[0], ["href"] = Corpus[9], ["all"] = AllOfIt });
        ToolCall call = step.AddToolCall($"tool {Corpus[1]}", arguments);
        call.Start();
        call.Fail(Corpus[4] + Corpus[6], TimeSpan.FromMilliseconds(12), AllOfIt);
        ToolCall second = step.AddToolCall(Corpus[2], """{"ok":true}""");
        second.Start();
        second.Succeed(AllOfIt, TimeSpan.FromMilliseconds(3));
        string diff = "--- a/x.html\n+++ b/x.html\n@@ -1 +1 @@\n-" + Corpus[0] + "\n+" + Corpus[1] + "\n " + Corpus[6] + "\n";
        session.AddArtifact($"{Corpus[0]}.diff", ArtifactKind.Diff, "text/x-diff", Encoding.UTF8.GetBytes(diff), step.Id, call.Id);
        session.AddArtifact($"log {Corpus[7]}", ArtifactKind.Log, "text/plain", Encoding.UTF8.GetBytes(AllOfIt), step.Id, second.Id);
        session.AppendEvent($"<b>{Corpus[5]}</b>", JsonSerializer.Serialize(new { text = AllOfIt }));
        await store.SaveAsync(session);
        return (session.Id.Value, call.Id.Value);
    }

    /// <summary>One session with <paramref name="tasks"/> × <paramref name="stepsPerTask"/> × <paramref name="callsPerStep"/> tool calls, every 50th failed.</summary>
    public static async Task<string> WriteLargeAsync(string workspaceRoot, int tasks, int stepsPerTask, int callsPerStep)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(workspaceRoot));
        var store = new SqliteRunStateStore(database);
        Session session = await store.CreateSessionAsync($"Large session: {tasks * stepsPerTask * callsPerStep} tool calls");
        int n = 0;
        for (int t = 1; t <= tasks; t++)
        {
            SessionTask task = session.AddTask($"Task {t}");
            task.Start();
            for (int s = 1; s <= stepsPerTask; s++)
            {
                Step step = task.AddStep($"Step {t}.{s}");
                step.Start();
                for (int c = 0; c < callsPerStep; c++, n++)
                {
                    ToolCall call = step.AddToolCall(n % 3 == 0 ? "read_file" : n % 3 == 1 ? "run_tests" : "apply_patch", $$"""{"n":{{n}}}""");
                    call.Start();
                    if (n % 50 == 49)
                    {
                        call.Fail($"failure {n}", TimeSpan.FromMilliseconds(5 + (n % 17)));
                    }
                    else
                    {
                        call.Succeed(string.Create(CultureInfo.InvariantCulture, $"result {n}: ") + new string('x', 200), TimeSpan.FromMilliseconds(1 + (n % 13)));
                    }
                }

                step.Complete();
            }

            task.Complete();
        }

        await store.SaveAsync(session);
        return session.Id.Value;
    }

    /// <summary>
    /// A session recorded on a clock that advances as an agent's would (model think time between calls, tools taking
    /// seconds), so its timeline looks like a real run: the README's picture is taken from it.
    /// </summary>
    public static async Task<string> WriteRealisticAsync(string workspaceRoot)
    {
        var clock = new SteppingClock(DateTimeOffset.UtcNow.AddMinutes(-10));
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(workspaceRoot), time: clock);
        var store = new SqliteRunStateStore(database);
        Session session = await store.CreateSessionAsync("Add retries with backoff to the HTTP client", "Transient 503s from the package feed fail the build; retry idempotent requests with jittered backoff.");
        session.TransitionTo(SessionState.Planning);
        clock.Advance(4.2);
        session.TransitionTo(SessionState.AwaitingApproval);
        clock.Advance(6.5);
        session.TransitionTo(SessionState.Executing);

        SessionTask explore = session.AddTask("Understand the client");
        explore.Start();
        Step read = explore.AddStep("Read the code");
        read.Start();
        Call(clock, read, "search", """{"pattern":"HttpClient","path":"src/"}""", 0.8, "src/Feed/FeedClient.cs:14\nsrc/Feed/FeedClient.cs:52");
        Call(clock, read, "read_file", """{"path":"src/Feed/FeedClient.cs"}""", 0.1, "public sealed class FeedClient { … }");
        Call(clock, read, "read_file", """{"path":"tests/Feed/FeedClientTests.cs"}""", 0.1, "public class FeedClientTests { … }");
        clock.Advance(3.1);
        read.Complete();
        Step reproduce = explore.AddStep("Reproduce the failure");
        reproduce.Start();
        Call(clock, reproduce, "run_tests", """{"filter":"FeedClientTests"}""", 14.2, "Failed FeedClientTests.Retries_on_503", error: "1 test failed");
        clock.Advance(2.4);
        reproduce.Complete();
        explore.Complete();

        SessionTask implement = session.AddTask("Add the retry handler");
        implement.Start();
        Step edit = implement.AddStep("Edit the client");
        edit.Start();
        Call(clock, edit, "apply_patch", """{"path":"src/Feed/RetryHandler.cs","create":true}""", 0.2, "created src/Feed/RetryHandler.cs");
        Call(clock, edit, "apply_patch", """{"path":"src/Feed/FeedClient.cs","hunks":2}""", 0.1, null, error: "patch does not apply: context mismatch at line 52");
        ToolCall patched = Call(clock, edit, "apply_patch", """{"path":"src/Feed/FeedClient.cs","hunks":2,"fuzz":1}""", 0.2, "patched src/Feed/FeedClient.cs (2 hunks)");
        session.AddArtifact("FeedClient.diff", ArtifactKind.Diff, "text/x-diff", Encoding.UTF8.GetBytes(
            "--- a/src/Feed/FeedClient.cs\n+++ b/src/Feed/FeedClient.cs\n@@ -50,3 +50,4 @@\n     var handler = new SocketsHttpHandler();\n-    _http = new HttpClient(handler);\n+    _http = new HttpClient(new RetryHandler(handler, maxAttempts: 4));\n }\n"), edit.Id, patched.Id);
        edit.Complete();
        Step build = implement.AddStep("Build");
        build.Start();
        Call(clock, build, "run_command", """{"command":"dotnet build"}""", 9.4, "Build succeeded. 0 Warning(s) 0 Error(s)");
        build.Complete();
        implement.Complete();

        SessionTask verify = session.AddTask("Verify");
        verify.Start();
        Step suite = verify.AddStep("Run the whole suite");
        suite.Start();
        Call(clock, suite, "run_tests", """{"filter":null}""", 16.8, "Passed!  - Failed: 0, Passed: 212, Skipped: 0");
        suite.Complete();
        verify.Complete();
        session.TransitionTo(SessionState.Completed, "all 212 tests pass");
        await store.SaveAsync(session);
        return session.Id.Value;
    }

    private static ToolCall Call(SteppingClock clock, Step step, string tool, string arguments, double seconds, string? result, string? error = null)
    {
        clock.Advance(1.5 + (tool.Length % 4));
        ToolCall call = step.AddToolCall(tool, arguments);
        call.Start();
        clock.Advance(seconds);
        if (error is null)
        {
            call.Succeed(result ?? "");
        }
        else
        {
            call.Fail(error, partialResult: result);
        }

        return call;
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(double seconds) => _now = _now.AddSeconds(seconds);
    }
}

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
}

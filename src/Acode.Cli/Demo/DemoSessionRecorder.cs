using System.Text;
using Acode.Application;

namespace Acode.Cli.Demo;

/// <summary>
/// Records a realistic sample session through the public store API, saving as an agent would after every
/// step: planning, approval, tasks with steps and tool calls (one failing and retried), artifacts, events.
/// Every tool call is started and finished on the session's clock and its duration is the one measured between the two
/// (no made-up durations): a duration the recorder invented would be longer than the step, task and session it sits in,
/// and start before the session was created (README, <c>acode demo</c>).
/// </summary>
internal sealed class DemoSessionRecorder(IRunStateStore store)
{
    private const string ParserSource = """
        public static DateOnly ParseDate(string text)
            => DateOnly.ParseExact(text, "dd/MM/yyyy", CultureInfo.CurrentCulture);
        """;

    private const string FailingTestOutput = """
        Failed DateParserTests.Parses_iso_dates [12 ms]
          Error Message:
           System.FormatException : String '2026-01-15' was not recognized as a valid DateOnly.
          Stack Trace:
             at DateParser.ParseDate(String text) in src/DateParser.cs:line 2
        Failed!  - Failed: 1, Passed: 41, Skipped: 0, Total: 42
        """;

    private const string Patch = """
        --- a/src/DateParser.cs
        +++ b/src/DateParser.cs
        @@ -1,2 +1,3 @@
         public static DateOnly ParseDate(string text)
        -    => DateOnly.ParseExact(text, "dd/MM/yyyy", CultureInfo.CurrentCulture);
        +    => DateOnly.ParseExact(text, ["yyyy-MM-dd", "dd/MM/yyyy"], CultureInfo.InvariantCulture);
        """;

    /// <summary>
    /// The session <see cref="RecordAsync"/> has saved at least once but not finished: after a failed save (a full disk),
    /// what it saved until then stays, as an agent's saves would; null before the first save and once a session is done.
    /// </summary>
    public SessionId? Unfinished { get; private set; }

    /// <param name="variant">Varies the outcome so several demo sessions differ: 0 completes, 1 fails, 2 is paused mid-way.</param>
    /// <param name="cancellationToken">Stops between saves.</param>
    public async Task<Session> RecordAsync(int variant, CancellationToken cancellationToken)
    {
        Session session = await store.CreateSessionAsync(
            variant == 0 ? "Fix flaky date parsing test" : $"Fix flaky date parsing test (run {variant + 1})",
            "DateParserTests.Parses_iso_dates fails on machines with a non-English culture; make parsing culture-invariant.",
            cancellationToken);
        Unfinished = session.Id;

        session.TransitionTo(SessionState.Planning);
        SessionTask reproduce = session.AddTask("Reproduce the failure", "Run the failing test and read the parser.");
        SessionTask fix = session.AddTask("Fix the parser", "Accept ISO-8601 dates and parse with the invariant culture.");
        SessionTask verify = session.AddTask("Verify", "Run the whole suite.");
        session.AppendEvent("agent.plan", """{"tasks":3,"summary":"reproduce, fix, verify"}""");
        session.TransitionTo(SessionState.AwaitingApproval);
        await store.SaveAsync(session, cancellationToken);

        session.AppendEvent("user.approved", """{"by":"developer"}""");
        session.TransitionTo(SessionState.Executing);
        await store.SaveAsync(session, cancellationToken);

        reproduce.Start();
        Step run = reproduce.AddStep("Run the failing test");
        run.Start();
        ToolCall test = run.AddToolCall("run_tests", """{"filter":"DateParserTests","configuration":"Debug"}""");
        test.Start();
        await store.SaveAsync(session, cancellationToken);
        test.Fail("1 test failed", partialResult: FailingTestOutput);
        session.AddArtifact("test-output.log", ArtifactKind.Log, "text/plain", Encoding.UTF8.GetBytes(FailingTestOutput), run.Id, test.Id);
        run.Complete();
        Step read = reproduce.AddStep("Read the parser");
        read.Start();
        ToolCall readFile = read.AddToolCall("read_file", """{"path":"src/DateParser.cs"}""");
        readFile.Start();
        readFile.Succeed(ParserSource);
        read.Complete();
        reproduce.Complete();
        await store.SaveAsync(session, cancellationToken);

        if (variant == 2)
        {
            session.TransitionTo(SessionState.Paused, "waiting for the user to come back");
            await store.SaveAsync(session, cancellationToken);
            return session;
        }

        fix.Start();
        Step edit = fix.AddStep("Apply the patch");
        edit.Start();
        ToolCall firstTry = edit.AddToolCall("apply_patch", """{"path":"src/DateParser.cs","hunks":1,"dryRun":false}""");
        firstTry.Start();
        firstTry.Fail("patch does not apply: context mismatch at line 2 (file changed on disk)");
        ToolCall retry = edit.AddToolCall("apply_patch", """{"path":"src/DateParser.cs","hunks":1,"fuzz":1}""");
        retry.Start();
        retry.Succeed("patched src/DateParser.cs (1 hunk, fuzz 1)");
        session.AddArtifact("DateParser.diff", ArtifactKind.Diff, "text/x-diff", Encoding.UTF8.GetBytes(Patch), edit.Id, retry.Id);
        edit.Complete();
        fix.Complete();
        session.AppendEvent("agent.note", """{"text":"Patch applied on second attempt with fuzz."}""");
        await store.SaveAsync(session, cancellationToken);

        verify.Start();
        Step suite = verify.AddStep("Run the whole suite");
        suite.Start();
        ToolCall all = suite.AddToolCall("run_tests", """{"filter":null,"configuration":"Debug"}""");
        all.Start();
        if (variant == 1)
        {
            all.Fail("3 tests failed", partialResult: "Failed!  - Failed: 3, Passed: 39, Skipped: 0, Total: 42");
            suite.Fail();
            verify.Fail();
            session.TransitionTo(SessionState.Failed, "the suite still fails");
        }
        else
        {
            all.Succeed("Passed!  - Failed: 0, Passed: 42, Skipped: 0, Total: 42");
            suite.Complete();
            verify.Complete();
            session.AddArtifactReference("build/TestResults.trx", ArtifactKind.File, "application/xml", 48_213, Artifact.HashOf(Encoding.UTF8.GetBytes("TestResults.trx")), suite.Id, all.Id);
            session.TransitionTo(SessionState.Completed, "all 42 tests pass");
        }

        await store.SaveAsync(session, cancellationToken);
        Unfinished = null;
        return session;
    }
}

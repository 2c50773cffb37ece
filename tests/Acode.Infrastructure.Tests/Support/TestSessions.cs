using System.Text;
using Acode.Application.Serialization;
using Acode.Domain.Entities;

namespace Acode.Infrastructure.Tests.Support;

/// <summary>Session graphs to save, and a way to compare two sessions field by field.</summary>
internal static class TestSessions
{
    /// <summary>Tool output with NUL characters, which PostgreSQL text cannot hold but the store must keep.</summary>
    public const string NulResult = "line 1\0line 2\0\0end";

    /// <summary>Bytes 0 … 255: every byte value, NUL included.</summary>
    public static byte[] AllBytes { get; } = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

    /// <summary>A little over 1 MB of log text.</summary>
    public static string MegabyteOfLog()
    {
        var text = new StringBuilder();
        for (int i = 0; text.Length < (1 << 20); i++)
        {
            text.Append("build line ").Append(i).Append(": compiling src/Module").Append(i % 97).Append(".cs\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// A new, unsaved session with two tasks, three steps, four tool calls (one result with NULs, one of 1 MB,
    /// one failed, one pending), three artifacts (bytes, empty, reference) and events beyond <c>session.created</c>.
    /// </summary>
    public static Session Rich(string title = "Rich session")
    {
        Session session = Session.Create(title, "Make the build green");
        session.TransitionTo(SessionState.Planning, "planning first");
        SessionTask first = session.AddTask("Read the code", "understand the module");
        SessionTask second = session.AddTask("Fix the build");
        first.Start();
        Step read = first.AddStep("Open files", "the interesting ones");
        Step run = first.AddStep("Run tests");
        Step fix = second.AddStep("Patch");

        read.Start();
        ToolCall readFile = read.AddToolCall("read_file", """{"path":"src/a.cs","lines":[1,2]}""");
        readFile.Start();
        readFile.Succeed(NulResult, TimeSpan.FromMilliseconds(12.3456));
        read.Complete();

        run.Start();
        ToolCall tests = run.AddToolCall("run_tests", """{"filter":"*"}""");
        tests.Start();
        tests.Succeed(MegabyteOfLog());
        ToolCall shell = run.AddToolCall("shell", """{"cmd":"false"}""");
        shell.Fail("exit code 1", TimeSpan.FromSeconds(2), "partial\0output");
        run.Fail();

        fix.AddToolCall("apply_patch", "[1,2,3]");

        session.AddArtifact("fix.patch", ArtifactKind.Diff, "text/x-diff", AllBytes, read.Id, readFile.Id);
        session.AddArtifact("empty.bin", ArtifactKind.Other, "application/octet-stream", ReadOnlyMemory<byte>.Empty);
        session.AddArtifactReference("build.log", ArtifactKind.Log, "text/plain", 123_456, new string('a', 64), run.Id);
        session.AppendEvent("tool_call.finished", """{"tool":"read_file","ok":true}""");
        session.AppendEvent("note", "\"free text\"");
        session.TransitionTo(SessionState.Executing);
        return session;
    }

    /// <summary>The session and its children, parents first (session, tasks, steps, tool calls, artifacts).</summary>
    public static List<Entity> EntitiesOf(Session session)
    {
        var entities = new List<Entity> { session };
        entities.AddRange(session.Tasks);
        entities.AddRange(session.Tasks.SelectMany(t => t.Steps));
        entities.AddRange(session.Tasks.SelectMany(t => t.Steps).SelectMany(s => s.ToolCalls));
        entities.AddRange(session.Artifacts);
        return entities;
    }

    /// <summary>Every field of every saved entity of the session, as JSON documents in a fixed order.</summary>
    public static List<string> Documents(Session session)
        => EntitiesOf(session).Select(e => EntityJson.Serialize(EntityDocuments.From(e))).ToList();

    public static List<string> Documents(IEnumerable<SessionEvent> events)
        => events.Select(e => EntityJson.Serialize(EntityDocuments.From(e))).ToList();
}

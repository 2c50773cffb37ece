using System.Text;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Deterministic agent output for the storage workload (issue 13 part 3): source files read (and read again), test logs,
/// diffs and command output, as a coding agent's tool calls produce them. Seeded, so every run stores the same bytes.
/// </summary>
public sealed class AgentOutputCorpus
{
    private static readonly string[] Words =
    [
        "session", "store", "outbox", "record", "payload", "batch", "apply", "conflict", "version", "origin", "clock", "lease", "sync",
        "search", "index", "entry", "token", "query", "filter", "cursor", "page", "limit", "result", "error", "state", "task", "step",
        "tool", "call", "artifact", "content", "hash", "blob", "codec", "size", "length", "buffer", "stream", "reader", "writer",
        "connection", "transaction", "command", "parameter", "value", "name", "path", "file", "line", "column", "table", "row",
        "migration", "schema", "check", "status", "retry", "timeout", "cancel", "async", "await", "return", "throw", "catch",
        "options", "settings", "logger", "metrics", "trace", "activity", "workspace", "database", "postgres", "sqlite", "json",
    ];

    private static readonly string[] Types = ["string", "int", "long", "bool", "Task", "byte[]", "Session", "ToolCall", "OutboxRecord", "IReadOnlyList<string>", "CancellationToken"];

    private readonly Random _random;
    private readonly List<string> _files = [];

    /// <param name="seed">The seed of every choice (the same seed gives the same corpus).</param>
    /// <param name="distinctFiles">How many distinct source files the agent reads; reads beyond that repeat them.</param>
    public AgentOutputCorpus(int seed, int distinctFiles)
    {
        _random = new Random(seed);
        for (int i = 0; i < distinctFiles; i++)
        {
            _files.Add(SourceFile(i, _random.Next(60, 900)));
        }
    }

    /// <summary>One tool call's (name, arguments, result): a file read (70 % of them a file read before), a test run, a diff, a shell command.</summary>
    public (string Tool, string Arguments, string Result) Next(int index)
    {
        switch (_random.Next(10))
        {
            case < 4:
                int file = _random.Next(_files.Count);
                return ("read_file", $"{{\"path\":\"src/{Word(file)}/{Pascal(file)}{Pascal(file + 7)}.cs\"}}", _files[file]);
            case < 6:
                return ("run_tests", "{\"command\":\"dotnet test --filter " + Pascal(index) + "\"}", TestLog(_random.Next(40, 600)));
            case < 8:
                int target = _random.Next(_files.Count);
                string diff = Diff(_files[target], target);
                _files[target] = Patched(_files[target]);
                return ("apply_patch", "{\"patch\":" + System.Text.Json.JsonSerializer.Serialize(diff) + "}", "patched 1 file");
            default:
                return ("shell", $"{{\"command\":\"git status && ls -la src/{Word(index)}\"}}", Listing(_random.Next(5, 60)));
        }
    }

    private string SourceFile(int index, int lines)
    {
        var text = new StringBuilder();
        text.Append("using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n\nnamespace Acode.").Append(Pascal(index)).Append(";\n\n");
        text.Append("/// <summary>The ").Append(Word(index)).Append(' ').Append(Word(index + 3)).Append(" of a ").Append(Word(index + 5)).Append(".</summary>\n");
        text.Append("public sealed class ").Append(Pascal(index)).Append(Pascal(index + 1)).Append("\n{\n");
        for (int line = 0; line < lines; line++)
        {
            int kind = _random.Next(12);
            string indent = new(' ', 4 * (1 + _random.Next(3)));
            text.Append(kind switch
            {
                0 => $"{indent}private readonly {Type()} _{Word()}{Pascal()};\n",
                1 => $"\n{indent}public async {Type()} {Pascal()}{Pascal()}Async({Type()} {Word()}, CancellationToken cancellationToken = default)\n{indent}{{\n",
                2 => $"{indent}if ({Word()} is null || {Word()}.{Pascal()} > {_random.Next(1000)})\n{indent}{{\n{indent}    throw new InvalidOperationException(\"The {Word()} {Word()} is {Word()}: {Word()} it first.\");\n{indent}}}\n",
                3 => $"{indent}// {Pascal()} the {Word()} before the {Word()} {Word()}s, so a {Word()} never sees a half-written {Word()}.\n",
                4 => $"{indent}{Type()} {Word()}{Pascal()} = await {Word()}.{Pascal()}Async({Word()}, cancellationToken).ConfigureAwait(false);\n",
                5 => $"{indent}}}\n",
                6 => $"{indent}foreach (var {Word()} in {Word()}s.Where(x => x.{Pascal()} != {_random.Next(100)}))\n{indent}{{\n",
                7 => $"{indent}return new {Pascal()}{Pascal()}({Word()}, {Word()}, {_random.Next(10_000)});\n",
                8 => $"{indent}_{Word()}.{Pascal()}(\"{Word()}.{Word()}\", {Word()}.{Pascal()}, {Word()}.Length);\n",
                _ => $"{indent}{Word()}{Pascal()} += {Word()}.{Pascal()}({_random.Next(64)});\n",
            });
        }

        return text.Append("}\n").ToString();
    }

    private string TestLog(int tests)
    {
        var text = new StringBuilder("  Determining projects to restore...\n  All projects are up-to-date for restore.\n");
        for (int i = 0; i < tests; i++)
        {
            string name = $"Acode.{Pascal()}.Tests.{Pascal()}{Pascal()}Tests.{Pascal()}_{Word()}_{Word()}_when_{Word()}_{Word()}";
            if (_random.Next(25) == 0)
            {
                text.Append("  Failed ").Append(name).Append(" [").Append(_random.Next(1, 900)).Append(" ms]\n  Error Message:\n   Assert.Equal() Failure: Values differ\nExpected: ")
                    .Append(_random.Next(100)).Append("\nActual:   ").Append(_random.Next(100)).Append("\n  Stack Trace:\n     at ").Append(name).Append("() in /src/tests/")
                    .Append(Pascal()).Append("Tests.cs:line ").Append(_random.Next(20, 400)).Append('\n');
            }
            else
            {
                text.Append("  Passed ").Append(name).Append(" [").Append(_random.Next(1, 300)).Append(" ms]\n");
            }
        }

        return text.Append($"\nPassed!  - Failed: 0, Passed: {tests}, Skipped: 0, Total: {tests}, Duration: {_random.Next(1, 90)} s\n").ToString();
    }

    private string Diff(string file, int index)
    {
        string[] lines = file.Split('\n');
        int start = _random.Next(Math.Max(1, lines.Length - 40));
        var text = new StringBuilder($"diff --git a/src/{Pascal(index)}.cs b/src/{Pascal(index)}.cs\nindex {_random.Next():x7}..{_random.Next():x7} 100644\n--- a/src/{Pascal(index)}.cs\n+++ b/src/{Pascal(index)}.cs\n");
        text.Append($"@@ -{start + 1},30 +{start + 1},31 @@\n");
        for (int i = start; i < Math.Min(lines.Length, start + 30); i++)
        {
            text.Append(_random.Next(6) == 0 ? "-" + lines[i] + "\n+" + lines[i].Replace(Word(i), Word(i + 1), StringComparison.Ordinal) + "\n" : " " + lines[i] + "\n");
        }

        return text.ToString();
    }

    private string Patched(string file) => file.Replace(Word(_random.Next(Words.Length)), Word(_random.Next(Words.Length)), StringComparison.Ordinal);

    private string Listing(int entries)
    {
        var text = new StringBuilder("On branch main\nChanges not staged for commit:\n");
        for (int i = 0; i < entries; i++)
        {
            text.Append($"-rw-r--r-- 1 agent agent {_random.Next(100, 90_000),6} Nov {_random.Next(1, 30),2} 0{_random.Next(10)}:{_random.Next(60):D2} {Pascal()}{Pascal()}.cs\n");
        }

        return text.ToString();
    }

    private string Word() => Words[_random.Next(Words.Length)];

    private static string Word(int i) => Words[Math.Abs(i) % Words.Length];

    private string Pascal() => Pascal(_random.Next(Words.Length));

    private static string Pascal(int i) => char.ToUpperInvariant(Word(i)[0]) + Word(i)[1..];

    private string Type() => Types[_random.Next(Types.Length)];
}

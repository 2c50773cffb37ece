using System.Text;

namespace Acode.Benchmarks.Harness;

/// <summary>Deterministic content that looks like an agent's: tool arguments, tool output, titles.</summary>
public static class Text
{
    private static readonly string[] Tools = ["read_file", "run_tests", "edit_file", "search_code", "shell"];
    private static readonly string[] Words =
    [
        "the", "test", "parser", "returns", "null", "when", "input", "is", "empty", "fixed", "module", "build", "passed", "failed",
        "warning", "line", "function", "expected", "actual", "assert", "config", "value", "error", "stack", "trace", "file",
    ];

    public static string Tool(int i) => Tools[i % Tools.Length];

    /// <summary>About 100 characters of JSON arguments.</summary>
    public static string Arguments(int i) => $$"""{"path":"src/Module{{i % 97}}/File{{i % 13}}.cs","startLine":{{i % 400}},"endLine":{{(i % 400) + 60}},"reason":"inspect"}""";

    /// <summary>About 500 characters of tool output.</summary>
    public static string Output(int i) => Sentence(i, 500);

    public static string Sentence(int seed, int length)
    {
        var builder = new StringBuilder(length + 16);
        uint x = (uint)seed * 2654435761u + 1;
        while (builder.Length < length)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            builder.Append(Words[x % (uint)Words.Length]).Append(' ');
        }

        return builder.ToString(0, length);
    }
}

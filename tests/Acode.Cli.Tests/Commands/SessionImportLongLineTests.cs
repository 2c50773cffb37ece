using System.Text;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Domain.Ids;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>acode session import</c> of files with very long lines: one that is not an export is refused from the start of its
/// line, in bounded memory (run here with a 256 MB GC heap limit against a 200 MB line, which the whole line as a string
/// and its copies overran), with the message a short line gets; a long line that is a document is imported whole.
/// </summary>
public sealed class SessionImportLongLineTests : IDisposable
{
    private const long LongLineBytes = 200L * 1024 * 1024;
    private const string Time = "2026-11-23T04:35:23.9880000Z";
    private readonly CliWorkspace _workspace = new();

    public SessionImportLongLineTests()
    {
        _workspace.Environment["DOTNET_GCHeapHardLimit"] = "0x10000000";
    }

    [Fact]
    public async Task A_200_MB_line_that_is_not_JSON_is_refused_at_its_first_byte_within_a_256_MB_heap()
    {
        string file = Path.Combine(_workspace.Root, "not-json.txt");
        try
        {
            await WriteLongLineAsync(file, [], (byte)'x', []);

            AcodeResult result = await _workspace.RunAsync("session", "import", file);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("Line 1: Not an acode entity document: not valid JSON at byte 1 of the line: 'x' is an invalid start of a value.", result.Stderr, StringComparison.Ordinal);
            await _workspace.AssertNoSessionStoredAsync();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_200_MB_object_line_of_another_format_is_refused_by_its_first_property_within_a_256_MB_heap()
    {
        string file = Path.Combine(_workspace.Root, "other.jsonl");
        try
        {
            await WriteLongLineAsync(file, "{\"type\":\"user\",\"message\":\""u8.ToArray(), (byte)'a', "\"}"u8.ToArray());

            AcodeResult result = await _workspace.RunAsync("session", "import", file);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("Line 1: Not an acode entity document: \"entity\" must come first and be one of Session, SessionTask, Step, ToolCall, Artifact, SessionEvent, spelled as shown.", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_long_tool_result_line_is_imported_whole_and_lines_split_at_CR_LF_and_CR()
    {
        string session = SessionId.New().Value, task = TaskId.New().Value, step = StepId.New().Value, call = ToolCallId.New().Value;
        string result = new string('r', 3 * 1024 * 1024) + "\u00e9\U0001F600";
        string common = $"\"schema\":1,\"version\":1,\"createdAt\":\"{Time}\",\"updatedAt\":\"{Time}\"";
        string text = "\uFEFF"
            + $"{{\"entity\":\"Session\",\"title\":\"Long\",\"goal\":\"goal\",\"state\":\"Executing\",\"id\":\"{session}\",{common}}}\r\n"
            + $"{{\"entity\":\"SessionTask\",\"sessionId\":\"{session}\",\"ordinal\":1,\"title\":\"Task\",\"state\":\"Running\",\"startedAt\":\"{Time}\",\"id\":\"{task}\",{common}}}\r"
            + $"{{\"entity\":\"Step\",\"sessionId\":\"{session}\",\"taskId\":\"{task}\",\"ordinal\":1,\"title\":\"Step\",\"state\":\"Running\",\"id\":\"{step}\",{common}}}\n\n"
            + $"{{\"entity\":\"ToolCall\",\"sessionId\":\"{session}\",\"stepId\":\"{step}\",\"toolName\":\"read_file\",\"arguments\":\"{{}}\",\"status\":\"Succeeded\",\"result\":\"{result}\",\"durationTicks\":10,\"id\":\"{call}\",{common}}}";
        string file = Path.Combine(_workspace.Root, "long.jsonl");
        await File.WriteAllTextAsync(file, text, new UTF8Encoding(false));

        AcodeResult imported = await _workspace.RunAsync("session", "import", file);

        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Contains($"{session}: 4 new, 0 updated, 0 unchanged", imported.Stdout, StringComparison.Ordinal);
        string export = (await _workspace.RunOkAsync("session", "export", session)).Stdout;
        JsonElement toolCall = export.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Single(line => line.GetProperty("entity").GetString() == "ToolCall");
        Assert.Equal(result, toolCall.GetProperty("result").GetString());
    }

    [Theory]
    [InlineData("utf-16le")]
    [InlineData("utf-16BE")]
    [InlineData("utf-32le")]
    [InlineData("utf-32BE")]
    public async Task An_export_saved_as_UTF_16_or_UTF_32_with_its_byte_order_mark_is_imported(string encodingName)
    {
        string session = SessionId.New().Value;
        string common = $"\"schema\":1,\"version\":1,\"createdAt\":\"{Time}\",\"updatedAt\":\"{Time}\"";
        string line = $"{{\"entity\":\"Session\",\"title\":\"Caf\u00e9 \U0001F600\",\"goal\":\"goal\",\"state\":\"Executing\",\"id\":\"{session}\",{common}}}\r\n";
        Encoding encoding = encodingName switch
        {
            "utf-16le" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
            "utf-16BE" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
            "utf-32le" => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
            _ => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
        };
        string file = Path.Combine(_workspace.Root, "wide.jsonl");
        await File.WriteAllTextAsync(file, line, encoding);

        AcodeResult imported = await _workspace.RunAsync("session", "import", file);

        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Contains("Caf\u00e9 \U0001F600", (await _workspace.RunOkAsync("session", "show", session)).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_UTF_8_far_into_a_long_line_is_refused_as_such()
    {
        string file = Path.Combine(_workspace.Root, "bad-utf8.jsonl");
        byte[] start = Encoding.UTF8.GetBytes("{\"entity\":\"Session\",\"title\":\"");
        await WriteLongLineAsync(file, start, (byte)'t', [0xFF, .. "\"}"u8], length: 2L * 1024 * 1024);

        AcodeResult result = await _workspace.RunAsync("session", "import", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Line 1 (or one shortly after it): the file is not valid UTF-8", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>Writes one line: <paramref name="start"/>, <paramref name="fill"/> repeated, <paramref name="end"/> and a line feed.</summary>
    private static async Task WriteLongLineAsync(string path, byte[] start, byte fill, byte[] end, long length = LongLineBytes)
    {
        byte[] block = new byte[1024 * 1024];
        Array.Fill(block, fill);
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        await stream.WriteAsync(start);
        for (long written = 0; written < length; written += block.Length)
        {
            await stream.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, length - written)));
        }

        await stream.WriteAsync(end);
        await stream.WriteAsync("\n"u8.ToArray());
    }
}

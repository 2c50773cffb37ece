using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Acode.Application.Transcripts;
using Acode.Benchmarks.Harness;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Transcripts;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Workload 6 (issue 14): import throughput of Claude Code transcripts. A generated corpus of realistic shape (full:
/// 1 000 sessions, 200 MB; prompts, assistant turns, Bash/Read/Edit tool calls with results of a few KB, a failing
/// call now and then) is imported into a fresh workspace with <see cref="ClaudeCodeTranscriptImporter"/>; reported:
/// MB of transcript per second, tool calls per second, MB per CPU-second of the process (on a shared machine the wall-clock
/// figure mostly measures the other processes; CPU time does not), and database bytes per transcript byte.
/// </summary>
public static class ImportWorkload
{
    public static async Task RunAsync(BenchSettings settings, string workDir, Report report)
    {
        string corpus = Path.Combine(workDir, "import-corpus");
        (long bytes, int toolCalls) = Generate(corpus, settings.ImportSessions, settings.ImportMegabytes * 1024L * 1024L);
        var workspace = new Workspace(Path.Combine(workDir, "import-workspace"));
        Directory.CreateDirectory(workspace.RootDirectory);
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace);
        var importer = new ClaudeCodeTranscriptImporter(new SqliteRunStateStore(database));
        IReadOnlyList<string> files = importer.FindTranscripts(corpus);

        long started = Stopwatch.GetTimestamp();
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        int imported = 0;
        foreach (string file in files)
        {
            TranscriptImportReport result = await importer.ImportFileAsync(file);
            imported += result.ToolCalls;
        }

        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        long started2 = Stopwatch.GetTimestamp();
        foreach (string file in files)
        {
            await importer.ImportFileAsync(file);
        }

        double again = Stopwatch.GetElapsedTime(started2).TotalSeconds;
        var parseOnly = new ClaudeCodeTranscriptImporter(new DiscardingStore());
        long started3 = Stopwatch.GetTimestamp();
        TimeSpan cpu3 = Process.GetCurrentProcess().TotalProcessorTime;
        foreach (string file in files)
        {
            await parseOnly.ImportFileAsync(file);
        }

        double parse = Stopwatch.GetElapsedTime(started3).TotalSeconds;
        double parseCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu3).TotalSeconds;
        long dbBytes = new[] { workspace.DatabasePath, workspace.DatabasePath + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
        double mb = bytes / 1024d / 1024d;
        Console.WriteLine($"import: {files.Count} transcripts, {mb:F1} MB, {imported:N0} tool calls in {seconds:F1} s: {mb / seconds:F1} MB/s, {imported / seconds:N0} tool calls/s; re-import (nothing new) {mb / again:F1} MB/s; reading and mapping alone (no store) {mb / parse:F1} MB/s; CPU time: import {cpu:F2} s ({mb / cpu:F1} MB per CPU-second), reading and mapping alone {parseCpu:F2} s; database {dbBytes / (double)bytes:F2} bytes per transcript byte");
        report.AddExtra("import (Claude Code transcripts)", string.Create(CultureInfo.InvariantCulture,
            $"{files.Count} transcripts, {mb:F1} MB, {toolCalls:N0} tool calls: {mb / seconds:F1} MB/s (goal ≥ 20), {imported / seconds:N0} tool calls/s; re-import of unchanged files {mb / again:F1} MB/s; reading and mapping alone {mb / parse:F1} MB/s; {mb / cpu:F1} MB per CPU-second of the process (reading and mapping alone {mb / parseCpu:F1}); database {dbBytes / (double)bytes:F2} B per transcript byte"));
    }

    /// <summary>Writes <paramref name="sessions"/> transcripts of about <paramref name="totalBytes"/> in all; returns bytes and tool calls written.</summary>
    public static (long Bytes, int ToolCalls) Generate(string folder, int sessions, long totalBytes)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(14);
        long perSession = totalBytes / sessions;
        long written = 0;
        int toolCalls = 0;
        string filler = string.Concat(Enumerable.Range(0, 200).Select(i => $"line {i}: def handler_{i}(request): return render(request, 'page_{i}.html')\n"));
        for (int s = 0; s < sessions; s++)
        {
            string sessionId = new Guid(s, 14, 14, [0, 0, 0, 0, 0, 0, 0, 1]).ToString();
            string path = Path.Combine(folder, "-home-dev-project-" + (s % 20).ToString(CultureInfo.InvariantCulture), sessionId + ".jsonl");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
            DateTimeOffset time = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero).AddMinutes(s);
            long size = 0;
            int n = 0;
            string parent = "";
            void Line(object record)
            {
                string json = JsonSerializer.Serialize(record);
                writer.Write(json);
                writer.Write('\n');
                size += Encoding.UTF8.GetByteCount(json) + 1;
                time = time.AddMilliseconds(random.Next(200, 3000));
            }

            object Common(string type, string uuid) => new { type, uuid, parentUuid = parent, sessionId, cwd = "/home/dev/project", version = "2.0.74", gitBranch = "main", isSidechain = false, timestamp = time.ToString("O", CultureInfo.InvariantCulture) };
            while (size < perSession)
            {
                string uuid = $"u-{n++}";
                if (n % 25 == 1)
                {
                    Line(Merge(Common("user", uuid), new { message = new { role = "user", content = $"Prompt {n}: refactor the request handlers and keep the tests green." } }));
                }
                else
                {
                    string tool = (n % 3) switch { 0 => "Bash", 1 => "Read", _ => "Edit" };
                    object input = tool switch
                    {
                        "Bash" => new { command = "pytest -q tests/", description = "Run the tests" },
                        "Read" => new { file_path = $"/home/dev/project/app/handler_{n}.py" },
                        _ => (object)new { file_path = $"/home/dev/project/app/handler_{n}.py", old_string = "return render(request)", new_string = "return render(request, status=200)" },
                    };
                    string toolId = $"toolu_{s}_{n}";
                    Line(Merge(Common("assistant", uuid), new { message = new { id = $"msg_{s}_{n}", model = "claude-opus-4-5", role = "assistant", content = new object[] { new { type = "text", text = "Looking at the next handler." }, new { type = "tool_use", id = toolId, name = tool, input } }, usage = new { input_tokens = 1200, output_tokens = 80 } } }));
                    parent = uuid;
                    uuid = $"u-{n++}";
                    bool failed = random.Next(20) == 0;
                    Line(Merge(Common("user", uuid), new { message = new { role = "user", content = new object[] { new { type = "tool_result", tool_use_id = toolId, content = filler[..random.Next(500, filler.Length)], is_error = failed } } } }));
                    toolCalls++;
                }

                parent = uuid;
            }

            Line(Merge(Common("assistant", $"u-{n}"), new { message = new { id = $"msg_{s}_end", model = "claude-opus-4-5", role = "assistant", content = new object[] { new { type = "text", text = "All handlers refactored; tests pass." } }, stop_reason = "end_turn" } }));
            written += size;
        }

        return (written, toolCalls);
    }

    private static Dictionary<string, object?> Merge(object a, object b)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (object part in new[] { a, b })
        {
            foreach (System.Reflection.PropertyInfo property in part.GetType().GetProperties())
            {
                result[property.Name] = property.GetValue(part);
            }
        }

        return result;
    }
}

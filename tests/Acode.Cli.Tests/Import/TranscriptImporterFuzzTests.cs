using System.Text.Json.Nodes;
using Acode.Application.Transcripts;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Transcripts;
using Xunit.Abstractions;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// Bad transcript content never stops an import: the fixtures with random fields replaced by hostile values (lone
/// surrogate escapes, blanks, huge or negative numbers, wrong types, deep nesting) import without an exception.
/// </summary>
public sealed class TranscriptImporterFuzzTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Hostile =
    [
        "\"\"", "\" \"", "\"\\ud800\"", "\"\\udc00x\\ud800\"", "\"x\\ud800\\ud800\"", "null", "true", "0", "-1", "1e400", "-9223372036854775808",
        "9223372036854775807", "1.5", "[]", "{}", "[1,\"two\",null]", "\"9999-12-31T23:59:59.9999999Z\"", "\"0001-01-01T00:00:00Z\"",
        "\"data:;base64,!!\"", "\"{\\\"output\\\":\\\"\\\\ud800\\\",\\\"metadata\\\":{\\\"exit_code\\\":1e400,\\\"duration_seconds\\\":1e300}}\"",
        "\"Exit code: 99999999999999999999\"", "\"*** Add File: \\ud800\"", string.Concat(Enumerable.Repeat("[", 80)) + string.Concat(Enumerable.Repeat("]", 80)),
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("acode-fuzz-").FullName;

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public async Task Transcripts_with_hostile_values_in_random_fields_import_without_an_exception(string agent)
    {
        int seed = Environment.GetEnvironmentVariable("ACODE_TEST_SEED") is { } given ? int.Parse(given, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (rerun with ACODE_TEST_SEED={seed})");
        var random = new Random(seed);
        string source = agent == "codex" ? TranscriptFixtures.CodexFile : TranscriptFixtures.ClaudeFile;
        string[] lines = await File.ReadAllLinesAsync(source);
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(Directory.CreateDirectory(Path.Combine(_root, "ws-" + agent)).FullName));
        TranscriptImporter importer = agent == "codex" ? new CodexTranscriptImporter(new SqliteRunStateStore(database)) : new ClaudeCodeTranscriptImporter(new SqliteRunStateStore(database));

        for (int round = 0; round < 40; round++)
        {
            var mutated = lines.Select(line => Mutate(line, random)).ToList();
            // A session of its own per round (the file name is the source key): each round's file is another transcript.
            string file = Path.Combine(_root, agent, agent == "codex" ? $"rollout-2025-10-29T00-59-38-{round:D8}.jsonl" : $"{round:D8}-5b3d-4e21-9a0f-1c2d3e4f5a6b.jsonl");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllLinesAsync(file, mutated);
            try
            {
                await importer.ImportFileAsync(file);
            }
            catch (TranscriptFormatException)
            {
                // Every record's type may have been replaced: the file is then of no known format, and refused.
            }
            catch (Exception ex)
            {
                Assert.Fail($"round {round} (seed {seed}) threw {ex.GetType().Name}: {ex.Message}\n{string.Join('\n', mutated)}");
            }
        }
    }

    /// <summary>The line with 1–3 values somewhere in it replaced by hostile ones (a line that is not JSON stays).</summary>
    private static string Mutate(string line, Random random)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(line);
        }
        catch (System.Text.Json.JsonException)
        {
            return line;
        }

        if (root is null || random.Next(3) == 0)
        {
            return line;
        }

        // Hostile values go in as text (JsonNode can hold neither a lone surrogate nor 80 levels of nesting).
        var replacements = new List<(string Placeholder, string Text)>();
        for (int i = random.Next(1, 4); i > 0; i--)
        {
            var slots = new List<(JsonNode Parent, object Key)>();
            Collect(root, slots);
            if (slots.Count == 0)
            {
                break;
            }

            (JsonNode parent, object key) = slots[random.Next(slots.Count)];
            string placeholder = $"__hostile_{i}__";
            replacements.Add(("\"" + placeholder + "\"", Hostile[random.Next(Hostile.Length)]));
            if (key is string name)
            {
                parent[name] = placeholder;
            }
            else
            {
                parent[(int)key] = placeholder;
            }
        }

        string text = root.ToJsonString();
        foreach ((string placeholder, string value) in replacements)
        {
            text = text.Replace(placeholder, value, StringComparison.Ordinal);
        }

        return text;
    }

    private static void Collect(JsonNode node, List<(JsonNode Parent, object Key)> slots)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach ((string key, JsonNode? child) in obj.ToList())
                {
                    slots.Add((obj, key));
                    if (child is not null)
                    {
                        Collect(child, slots);
                    }
                }

                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    slots.Add((array, i));
                    if (array[i] is { } child)
                    {
                        Collect(child, slots);
                    }
                }

                break;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

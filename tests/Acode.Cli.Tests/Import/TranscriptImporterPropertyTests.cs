using System.Text;
using Acode.Application.Serialization;
using Acode.Domain.Entities;
using Acode.Domain.Ids;
using Acode.Application.Transcripts;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Transcripts;
using Xunit.Abstractions;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// The library API (<see cref="ITranscriptImporter"/>): importing a transcript in pieces (cut anywhere, even mid-line),
/// once per piece or by following the file, stores exactly what one import of the whole file stores.
/// </summary>
public sealed class TranscriptImporterPropertyTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("acode-import-").FullName;

    public static TheoryData<string> Agents => new() { "claude-code", "codex" };

    [Theory]
    [MemberData(nameof(Agents))]
    public async Task Importing_in_random_pieces_gives_the_same_rows_as_one_import(string agent)
    {
        int seed = Environment.GetEnvironmentVariable("ACODE_TEST_SEED") is { } given ? int.Parse(given, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (rerun with ACODE_TEST_SEED={seed})");
        var random = new Random(seed);
        string source = agent == "codex" ? TranscriptFixtures.CodexFile : TranscriptFixtures.ClaudeFile;
        byte[] content = await File.ReadAllBytesAsync(source);
        string expected = await ImportWholeAsync(agent, source);

        for (int round = 0; round < 3; round++)
        {
            int[] cuts = [.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(1, content.Length)).Order(), content.Length];
            output.WriteLine($"round {round}: cuts at {string.Join(", ", cuts)}");
            string pieces = await ImportInPiecesAsync(agent, content, cuts, follow: false, $"pieces-{round}");
            string followed = await ImportInPiecesAsync(agent, content, cuts, follow: true, $"follow-{round}");
            Assert.Equal(expected, pieces);
            Assert.Equal(expected, followed);
        }
    }

    [Theory]
    [MemberData(nameof(Agents))]
    public async Task Re_importing_writes_nothing(string agent)
    {
        string source = agent == "codex" ? TranscriptFixtures.CodexFile : TranscriptFixtures.ClaudeFile;
        using SqliteWorkspaceDatabase database = Open("again");
        TranscriptImporter importer = Create(agent, new SqliteRunStateStore(database));
        TranscriptImportReport first = await importer.ImportFileAsync(source);

        TranscriptImportReport second = await importer.ImportFileAsync(source);

        Assert.True(first.Rows.Inserted > 0);
        Assert.Equal(0, second.Rows.Inserted + second.Rows.Updated);
        Assert.Equal(first.Rows.Inserted, second.Rows.Unchanged);
    }

    [Fact]
    public async Task An_oversized_line_and_invalid_utf8_are_counted_and_the_rest_is_imported()
    {
        string file = Path.Combine(_root, "big.jsonl");
        byte[] head = await File.ReadAllBytesAsync(TranscriptFixtures.CodexFile);
        string huge = "{\"timestamp\":\"2025-10-29T00:59:58.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"" + new string('x', 200_000) + "\"}]}}\n";
        byte[] latin1 = Encoding.Latin1.GetBytes("{\"timestamp\":\"2025-10-29T00:59:59.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"caf\u00e9\"}]}}\n");
        int cut = Array.LastIndexOf(head, (byte)'\n') + 1; // drop the fixture's half-written last line
        await File.WriteAllBytesAsync(file, [.. head[..cut], .. Encoding.UTF8.GetBytes(huge), .. latin1]);
        using SqliteWorkspaceDatabase database = Open("big");
        var importer = new CodexTranscriptImporter(new SqliteRunStateStore(database)) { MaxLineBytes = 64 * 1024 };

        TranscriptImportReport report = await importer.ImportFileAsync(file);

        Assert.Equal(1, report.Problems.OversizedLines);
        Assert.Equal(1, report.Problems.InvalidUtf8Lines);
        Assert.Equal(0, report.Problems.TruncatedLastLine);
        Assert.Equal(3, report.Tasks); // the fixture's 2 prompts + the Latin-1 one (with U+FFFD); the oversized one is an event
    }

    private static TranscriptImporter Create(string agent, SqliteRunStateStore store)
        => agent == "codex" ? new CodexTranscriptImporter(store) : new ClaudeCodeTranscriptImporter(store);

    private async Task<string> ImportWholeAsync(string agent, string source)
    {
        using SqliteWorkspaceDatabase database = Open("whole");
        var store = new SqliteRunStateStore(database);
        TranscriptImportReport report = await Create(agent, store).ImportFileAsync(source);
        return await ExportAsync(store, report.SessionId!);
    }

    private async Task<string> ImportInPiecesAsync(string agent, byte[] content, int[] cuts, bool follow, string name)
    {
        string file = agent == "codex"
            ? Path.Combine(_root, name, Path.GetFileName(TranscriptFixtures.CodexFile))
            : TranscriptFixtures.CopyClaude(Path.Combine(_root, name), bytes: 0);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using SqliteWorkspaceDatabase database = Open(name);
        var store = new SqliteRunStateStore(database);
        TranscriptImporter importer = Create(agent, store);
        ITranscriptFollower follower = importer.Follow(file);
        string? sessionId = null;
        int written = 0;
        foreach (int cut in cuts)
        {
            await using (var stream = new FileStream(file, FileMode.Append))
            {
                await stream.WriteAsync(content.AsMemory(written, cut - written));
            }

            written = cut;
            TranscriptImportReport? report = follow ? await follower.PollAsync() : await Create(agent, store).ImportFileAsync(file);
            sessionId ??= report?.SessionId;
        }

        if (follow)
        {
            // The fixture ends in a half-written line, which a follower waits for; one-shot imports leave it out too.
            sessionId ??= (await importer.ImportFileAsync(file)).SessionId;
        }

        return await ExportAsync(store, sessionId!);
    }

    private static async Task<string> ExportAsync(SqliteRunStateStore store, string sessionId)
    {
        Session session = (await store.GetSessionAsync(SessionId.Parse(sessionId)))!;
        using var writer = new StringWriter();
        await SessionArchive.WriteAsync(writer, store, session);
        return writer.ToString();
    }

    private SqliteWorkspaceDatabase Open(string name)
    {
        string folder = Path.Combine(_root, "ws-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return SqliteWorkspaceDatabase.Open(new Workspace(folder));
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

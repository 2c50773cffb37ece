using System.Text;
using Acode.Application.Transcripts;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Infrastructure.Transcripts;

namespace Acode.Infrastructure.Tests.Transcripts;

/// <summary>
/// A title made from a prompt longer than 80 characters is cut between words: half a word (here a connection URL whose
/// password the redaction recognises only with its host) would keep part of a secret in the title.
/// </summary>
public sealed class ImportedTitleCutTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    [Fact]
    public async Task A_long_prompt_s_title_ends_before_a_word_the_cut_would_split()
    {
        const string Prompt = "please deploy billing to staging using postgres://app:hunter2xyzQ9abcdefghijklmnopqrstu@db:5432/x now";
        Assert.True(Prompt.IndexOf("hunter2", StringComparison.Ordinal) < 79 && Prompt.IndexOf("@db", StringComparison.Ordinal) > 79, "precondition: the cut falls inside the URL");
        string path = Path.Combine(_workspace.Root, "33333333-2222-4333-8444-555555555555.jsonl");
        string line = """{"type":"user","uuid":"u1","parentUuid":null,"cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:00Z","message":{"role":"user","content":"PROMPT"}}""";
        File.WriteAllText(path, line.Replace("PROMPT", Prompt, StringComparison.Ordinal) + "\n", new UTF8Encoding(false));
        using SqliteWorkspaceDatabase database = _workspace.Open();
        var store = new SqliteRunStateStore(database);

        TranscriptImportReport report = await new ClaudeCodeTranscriptImporter(store).ImportFileAsync(path);

        Session session = (await ImportedSession.LoadAsync(store, report.SessionId!)).Session;
        Assert.Equal("please deploy billing to staging using…", session.Title);
    }

    public void Dispose() => _workspace.Dispose();
}

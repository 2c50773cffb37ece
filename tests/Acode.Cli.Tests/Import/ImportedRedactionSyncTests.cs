using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using static Acode.Testing.PostgresSql;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// The real binary importing a transcript whose prompt holds a secret, with a real PostgreSQL: the import's
/// <c>secrets.redacted</c> event is stamped from the transcript and named from what it records (docs/secrets.md,
/// "Counts"), so a <c>db prune --remote</c> of the old session is no conflict, and two workspaces importing the same
/// transcript record one event, counted once.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ImportedRedactionSyncTests(PostgresFixture fixture) : IDisposable
{
    private const string Name = "3c3c3c3c-aaaa-4bbb-8ccc-ddddeeee0001.jsonl";

    private const string Lines = """
        {"type":"user","uuid":"u1","sessionId":"3c3c3c3c-aaaa-4bbb-8ccc-ddddeeee0001","version":"2.0.14","timestamp":"2026-10-20T09:00:00.000Z","message":{"role":"user","content":"connect to postgresql://app:Sup3rS3cretPw@db:5432/app and list the tables"}}
        {"type":"assistant","uuid":"a1","parentUuid":"u1","sessionId":"3c3c3c3c-aaaa-4bbb-8ccc-ddddeeee0001","version":"2.0.14","timestamp":"2026-10-20T09:00:05.000Z","message":{"id":"msg_01","role":"assistant","content":[{"type":"text","text":"Done."}],"stop_reason":"end_turn"}}

        """;

    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Fact]
    public async Task A_remote_prune_of_an_imported_session_that_held_a_secret_records_no_conflict()
    {
        string connectionString = await UseAsync();
        string id = await ImportAsync(_a);
        await _a.RunOkAsync("db", "sync");
        Assert.Equal(1, await CountAsync(connectionString, $"SELECT count(*) FROM session_events WHERE session_id = '{id}' AND type = 'secrets.redacted' AND updated_at <= '2026-10-20T09:00:05Z'"));

        await _b.RunOkAsync("demo"); // another workspace, whose own sessions are newer than the cutoff
        JsonElement pruned = await _b.JsonAsync("db", "prune", "--older-than", "2026-11-01", "--remote", "--yes");
        AcodeResult sync = await _a.RunOkAsync("db", "sync");

        Assert.Equal([id], pruned.GetProperty("remote").GetProperty("tombstoned").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.DoesNotContain("lost to a deletion", sync.Stdout + sync.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(connectionString, "SELECT count(*) FROM sync_conflicts"));
    }

    [Fact]
    public async Task Two_workspaces_importing_the_same_transcript_record_one_redaction_event_counted_once()
    {
        string connectionString = await UseAsync();
        string id = await ImportAsync(_a);
        Assert.Equal(id, await ImportAsync(_b));
        string local = RedactedLine((await _a.RunOkAsync("session", "show", id)).Stdout);

        await _a.RunOkAsync("db", "sync");
        AcodeResult syncB = await _b.RunOkAsync("db", "sync");
        AcodeResult remote = await _a.RunOkAsync("session", "show", "--remote", id);

        Assert.Equal(local, RedactedLine((await _b.RunOkAsync("session", "show", id)).Stdout));
        Assert.Equal(local, RedactedLine(remote.Stdout));
        Assert.Equal(1, await CountAsync(connectionString, $"SELECT count(*) FROM session_events WHERE session_id = '{id}' AND type = 'secrets.redacted'"));
        Assert.Equal(0, await CountAsync(connectionString, "SELECT count(*) FROM sync_conflicts"));
        Assert.Contains(" 0 conflict(s)", syncB.Stdout, StringComparison.Ordinal);

        // The same after the workspace's database is removed and the transcript imported again: the same event, a duplicate.
        Directory.Delete(Path.Combine(_b.Root, ".agent"), recursive: true);
        Assert.Equal(id, await ImportAsync(_b));
        await _b.RunOkAsync("db", "sync");
        Assert.Equal(local, RedactedLine((await _b.RunOkAsync("session", "show", "--remote", id)).Stdout));
        Assert.Equal(1, await CountAsync(connectionString, $"SELECT count(*) FROM session_events WHERE session_id = '{id}' AND type = 'secrets.redacted'"));
        Assert.Equal(0, await CountAsync(connectionString, "SELECT count(*) FROM sync_conflicts"));
    }

    private static string RedactedLine(string output)
        => Assert.Single(output.Split('\n'), l => l.StartsWith("Secrets redacted: ", StringComparison.Ordinal)).TrimEnd('\r');

    private static async Task<string> ImportAsync(CliWorkspace workspace)
    {
        string file = Path.Combine(workspace.Root, "transcripts", Name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, Lines);
        JsonElement report = await workspace.JsonAsync("import", "claude-code", file);
        return report.GetProperty("files")[0].GetProperty("sessionId").GetString()!;
    }

    private async Task<string> UseAsync()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _b.Environment["ACODE_POSTGRES_URL"] = _a.Environment["ACODE_POSTGRES_URL"];
        return connectionString;
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }
}

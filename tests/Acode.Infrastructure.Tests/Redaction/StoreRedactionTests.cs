using System.Text;
using System.Text.Json;
using Acode.Application.Redaction;
using Acode.Application.Serialization;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Extensions.Logging.Testing;

namespace Acode.Infrastructure.Tests.Redaction;

/// <summary>
/// Secrets never reach the workspace database: not its rows, not its outbox payloads, not its log, not the file's bytes;
/// the held objects agree with what is stored, and the count is kept in a <c>secrets.redacted</c> event.
/// </summary>
public sealed class StoreRedactionTests : IDisposable
{
    private static readonly string AwsId = "AK" + "IA" + "Q3EGRT7NZ5B2KX4M";
    private static readonly string GitHubToken = "gh" + "p_" + "R8f2KqLx93VbT1mNzW6yHc4PjD0sAeGu7oXi";
    private static readonly string Jwt = "eyJ" + "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ" + "zdWIiOiJ1c2VyLTQyIiwiaWF0IjoxNzY0NDk2MDAwfQ.Zk3x9QmT2vL8pR1cW4yH7jD0sAeGu6oXiN5bK2fU9gE";
    private static readonly string PrivateKeyBody = "MIIEowIBAAKCAQEA7x9QzLm4Tv" + "Bn2Q9xLmT4vR8pZ1cW3yH6jD0sAeGu";
    private static readonly string PrivateKey = "-----BEGIN RSA PRIVATE KEY-----\n" + PrivateKeyBody + "\n-----END RSA PRIVATE KEY-----";
    private static readonly string DbPassword = "Qx7!vLm2" + "Rt9zKp";

    private static readonly string[] AllSecrets = [AwsId, GitHubToken, Jwt, PrivateKeyBody, DbPassword];

    private readonly TempWorkspace _workspace = new();
    private readonly FakeLoggerProvider _logs = new();

    [Fact]
    public async Task A_save_replaces_secrets_in_the_held_objects_rows_outbox_log_and_file_and_counts_them()
    {
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(_workspace.Workspace, loggerFactory: _logs.CreateFactory()))
        {
            var store = new SqliteRunStateStore(database);
            Session session = await store.CreateSessionAsync("deploy");
            Step step = session.AddTask("ship").AddStep("push");
            ToolCall call = step.AddToolCall("bash", JsonSerializer.Serialize(new { command = $"AWS_ACCESS_KEY_ID={AwsId} aws s3 ls", env = new { password = DbPassword } }));
            call.Start();
            call.Succeed($"remote: using token {GitHubToken}\ndone");
            Artifact text = session.AddArtifact("id_rsa", ArtifactKind.File, "text/plain", Encoding.UTF8.GetBytes(PrivateKey + "\n"));
            byte[] binaryBytes = [0xFF, 0xFE, .. Encoding.ASCII.GetBytes(AwsId)];
            Artifact binary = session.AddArtifact("blob", ArtifactKind.File, "application/octet-stream", binaryBytes);
            session.AppendEvent("http.request", JsonSerializer.Serialize(new { header = "Authorization: Bearer " + Jwt }));
            await store.SaveAsync(session);

            Assert.Equal("""{"command":"AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key-id] aws s3 ls","env":{"password":"[REDACTED:generic-secret]"}}""", call.ArgumentsJson);
            Assert.Equal("remote: using token [REDACTED:github-token]\ndone", call.Result);
            Assert.Equal("[REDACTED:private-key]\n", Encoding.UTF8.GetString(text.Content!.Value.Span));
            Assert.Equal((text.Content!.Value.Length, Artifact.HashOf(text.Content!.Value.Span)), (text.Size, text.ContentHash));
            Assert.Equal(binaryBytes, binary.Content!.Value.ToArray());
            Assert.Equal(binaryBytes, (byte[])SqliteProbe.Scalar(_workspace.DatabasePath, "SELECT content FROM artifacts WHERE id = $id", ("$id", binary.Id.Value))!);

            Session loaded = (await store.GetSessionAsync(session.Id))!;
            Assert.Equal(call.ArgumentsJson, loaded.FindToolCall(call.Id)!.ArgumentsJson);
            Assert.Equal(call.Result, loaded.FindToolCall(call.Id)!.Result);
            Assert.Equal(text.ContentHash, loaded.FindArtifact(text.Id)!.ContentHash);

            IReadOnlyList<SessionEvent> events = await store.ReadEventsAsync(session);
            SessionEvent counted = Assert.Single(events, e => e.Type == SessionEventTypes.SecretsRedacted);
            Assert.Equal("""{"count":5,"kinds":{"aws-access-key-id":1,"generic-secret":1,"github-token":1,"jwt":1,"private-key":1}}""", counted.PayloadJson);
            Assert.Equal(5, database.CountRedactedSecrets());
            Assert.Equal(5, database.CountRedactedSecrets(session.Id.Value));
            Assert.Equal(session.LastEventSequence, events[^1].Sequence);

            // The next save finds nothing new to redact: the count does not grow, no event is added.
            session.TransitionTo(SessionState.Planning);
            await store.SaveAsync(session);
            Assert.Equal(5, database.CountRedactedSecrets());
            Assert.Single(await store.ReadEventsAsync(session), e => e.Type == SessionEventTypes.SecretsRedacted);

            // The workspace tally is of redactions done here: deleting the session does not lower it.
            await store.DeleteSessionAsync(session.Id);
            Assert.Equal(0, database.CountRedactedSecrets(session.Id.Value));
            Assert.Equal(5, database.CountRedactedSecrets());
            Assert.Empty(database.CheckRowCounts());
            Assert.Equal(0, await database.RecountRowsAsync());
            Assert.Equal(5, database.CountRedactedSecrets());
        }

        // The binary artifact is not text: it was kept as given (docs/secrets.md, checked above). Its row is deleted now, and
        // secure_delete may or may not have zeroed every copy of it (a WAL frame can still hold one), so it is not looked for.
        AssertNoSecretStored(except: AwsId);
        Assert.Contains(_logs.Messages(), m => m.Contains("Redacted 5 secret(s)", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Messages(), m => AllSecrets.Any(s => m.Contains(s, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AppendEventAsync_redacts_the_payload_and_counts_it_after_the_event()
    {
        using (SqliteWorkspaceDatabase database = _workspace.Open())
        {
            var store = new SqliteRunStateStore(database);
            Session session = await store.CreateSessionAsync("append");
            (EventId Id, long Sequence)? appended = await store.AppendEventAsync(session.Id, "tool.output", JsonSerializer.Serialize(new { line = "token " + GitHubToken }));

            IReadOnlyList<SessionEvent> events = await store.ReadEventsAsync(session);
            Assert.Equal("""{"line":"token [REDACTED:github-token]"}""", events.Single(e => e.Id == appended!.Value.Id).PayloadJson);
            Assert.Equal(SessionEventTypes.SecretsRedacted, events[^1].Type);
            Assert.Equal(appended!.Value.Sequence + 1, events[^1].Sequence);
            Assert.Equal(1, database.CountRedactedSecrets(session.Id.Value));

            // The held session, which did not see either event, still saves after them.
            SessionEvent later = session.AppendEvent("note");
            await store.SaveAsync(session);
            Assert.Equal(events[^1].Sequence + 1, later.Sequence);
        }

        AssertNoSecretStored();
    }

    [Fact]
    public async Task An_import_redacts_what_it_writes_and_a_second_import_redacts_nothing_more()
    {
        string export;
        var source = new TempWorkspace();
        using (source)
        using (SqliteWorkspaceDatabase database = source.Open())
        {
            // Written by a store with redaction off, as an older acode or another tool would have.
            var store = new SqliteRunStateStore(database, redactor: SecretRedactor.Disabled);
            Session session = await store.CreateSessionAsync("imported");
            ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("env", "{}");
            call.Succeed($"DATABASE_URL=postgres://app:{DbPassword}@db:5432/app\nGH={GitHubToken}");
            await store.SaveAsync(session);
            Assert.Contains(GitHubToken, call.Result, StringComparison.Ordinal);
            using var writer = new StringWriter();
            await SessionArchive.WriteAsync(writer, store, session);
            export = writer.ToString();
        }

        using (SqliteWorkspaceDatabase database = _workspace.Open())
        {
            var store = new SqliteRunStateStore(database);
            for (int i = 0; i < 2; i++)
            {
                await foreach (SessionGraphBuilder graph in SessionArchive.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(export))))
                {
                    await store.ImportAsync(graph.Session!, graph.Events);
                }
            }

            Assert.Equal(2, database.CountRedactedSecrets());
            Assert.Equal(1L, SqliteProbe.Count(_workspace.DatabasePath, "SELECT count(*) FROM session_events WHERE type = 'secrets.redacted'"));
            Assert.Contains("postgres://app:[REDACTED:url-password]@db:5432/app", (string)SqliteProbe.Scalar(_workspace.DatabasePath, "SELECT result FROM tool_calls")!, StringComparison.Ordinal);
        }

        AssertNoSecretStored();
    }

    [Fact]
    public async Task With_redaction_disabled_the_text_is_stored_as_given()
    {
        using (SqliteWorkspaceDatabase database = _workspace.Open())
        {
            var store = new SqliteRunStateStore(database, redactor: SecretRedactor.Disabled);
            Session session = await store.CreateSessionAsync("off");
            session.AddTask("t").AddStep("s").AddToolCall("env", "{}").Succeed("GH=" + GitHubToken);
            await store.SaveAsync(session);
            Assert.Equal(0, database.CountRedactedSecrets());
        }

        Assert.Contains(GitHubToken, (string)SqliteProbe.Scalar(_workspace.DatabasePath, "SELECT result FROM tool_calls")!, StringComparison.Ordinal);
    }

    [Fact]
    public void The_counts_read_the_counter_row_and_one_session_range_never_a_table_scan()
    {
        using SqliteWorkspaceDatabase database = _workspace.Open();
        using Microsoft.Data.Sqlite.SqliteConnection connection = SqliteProbe.Open(_workspace.DatabasePath);

        string total = string.Join("\n", SqliteProbe.Rows(connection, "EXPLAIN QUERY PLAN " + SqliteWorkspaceDatabase.RedactedSecretsSql).Select(r => (string)r["detail"]!));
        string session = string.Join("\n", SqliteProbe.Rows(connection, "EXPLAIN QUERY PLAN " + SqliteWorkspaceDatabase.SessionRedactedSecretsSql.Replace("$id", "'sess_x'", StringComparison.Ordinal)).Select(r => (string)r["detail"]!));

        Assert.Contains("SEARCH row_counts USING PRIMARY KEY", total, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN ", total.Replace("SCAN CONSTANT ROW", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("SEARCH session_events USING INDEX", session, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN ", session, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _logs.Dispose();
        _workspace.Dispose();
    }

    /// <summary>Reads the database file and its WAL as bytes: no secret may occur in them, in UTF-8 or in the outbox's JSON escapes.</summary>
    private void AssertNoSecretStored(string? except = null)
    {
        byte[] bytes = [.. File.ReadAllBytes(_workspace.DatabasePath), .. File.Exists(_workspace.WalPath) ? File.ReadAllBytes(_workspace.WalPath) : []];
        foreach (string secret in AllSecrets.Where(s => s != except))
        {
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{secret[..6]}… is in the database file");
        }
    }
}

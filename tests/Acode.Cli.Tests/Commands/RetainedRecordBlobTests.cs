using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;
using static Acode.Testing.PostgresSql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// The real acode binary and a real PostgreSQL: a delivered outbox record keeps the blob of large content it names for as
/// long as the record is retained, so a prune in between never stops 'acode db sync retry --processed' from refilling a
/// PostgreSQL restored empty (docs/storage.md, "Which blobs a sweep keeps"); and a workspace that lost such a blob anyway
/// (by hand, or by an older acode's prune) is reported by 'acode db check', and its sync fails only that record.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class RetainedRecordBlobTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task After_a_prune_retry_processed_refills_an_emptied_PostgreSQL_with_the_blob_of_a_tool_call_s_earlier_version()
    {
        (string connectionString, string callId, string firstBlob) = await SyncAToolCallWhoseLargeResultChangedAsync();

        // The other session goes: its deletion sweeps the blobs nothing names. The delivered record of the first version still does.
        JsonElement pruned = await _workspace.JsonAsync("db", "prune", "--older-than", "0s", "--state", "Failed", "--yes");
        Assert.Equal(1, pruned.GetProperty("removedCount").GetInt32());
        Assert.Equal(1L, Scalar("SELECT count(*) FROM blobs WHERE hash = $h;", firstBlob));
        await _workspace.RunOkAsync("db", "check");

        await ExecuteAsync(connectionString, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
        AcodeResult requeued = await _workspace.RunOkAsync("db", "sync", "retry", "--processed");
        AcodeResult sync = await _workspace.RunAsync("db", "sync");

        Assert.True(sync.ExitCode == 0, sync.ToString());
        string count = System.Text.RegularExpressions.Regex.Match(requeued.Stdout, @"Requeued (\d+) delivered record").Groups[1].Value;
        // Every retained version is sent again; of one entity's versions in a batch only the newest is applied (the others: superseded).
        System.Text.RegularExpressions.Match summary = System.Text.RegularExpressions.Regex.Match(sync.Stdout,
            $@"Delivered {count} record\(s\): (\d+) applied, 0 duplicate\(s\), 0 conflict\(s\)(?:, (\d+) superseded by a later version in this sync)?; 0 to retry, 0 dead-lettered; 0 pending");
        Assert.True(summary.Success, sync.Stdout);
        Assert.Equal(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture), int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + (summary.Groups[2].Success ? int.Parse(summary.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 0));
        Assert.Equal(1, await CountAsync(connectionString, "SELECT count(*) FROM sessions"));
        Assert.Equal(1, await CountAsync(connectionString, $"SELECT count(*) FROM tool_calls WHERE id = '{callId}' AND result LIKE 'second output%'"));
    }

    [Fact]
    public async Task A_delivered_record_whose_blob_was_lost_fails_alone_and_db_check_names_it()
    {
        (string connectionString, string callId, string firstBlob) = await SyncAToolCallWhoseLargeResultChangedAsync();
        long record = Scalar("SELECT id FROM outbox WHERE payload <> '' AND json_extract(payload, '$.resultBlob') = $h;", firstBlob);
        Execute("DELETE FROM blobs WHERE hash = $h;", firstBlob); // what an acode before this fix did on a prune

        AcodeResult check = await _workspace.RunAsync("db", "check");
        Assert.Equal(1, check.ExitCode);
        Assert.Contains($"1 outbox record(s) name blobs of large content that are missing (record {record} ToolCall {callId} (Processed), blob {firstBlob[..12]})", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("restore .agent/workspace.db from a backup", check.Stdout, StringComparison.Ordinal);

        await ExecuteAsync(connectionString, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
        await _workspace.RunOkAsync("db", "sync", "retry", "--processed");
        AcodeResult sync = await _workspace.RunAsync("db", "sync");

        // Not ACODE-DB-002 for the whole run (exit 12): every other record is delivered, that one waits with its reason.
        Assert.True(sync.ExitCode == 1, sync.ToString());
        Assert.Contains("1 to retry", sync.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync(connectionString, "SELECT count(*) FROM sessions"));
        Assert.Equal(1, await CountAsync(connectionString, $"SELECT count(*) FROM tool_calls WHERE id = '{callId}' AND result LIKE 'second output%'"));
        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT status || '|' || last_error FROM outbox WHERE id = $id;";
            command.Parameters.AddWithValue("$id", record);
            string failed = (string)command.ExecuteScalar()!;
            Assert.StartsWith($"Pending|ACODE-DB-002: outbox record {record} (ToolCall {callId}, version ", failed, StringComparison.Ordinal);
            Assert.Contains($"names blob {firstBlob[..12]} of large content, which the workspace database lacks", failed, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>
    /// Two demo sessions (one Completed, one Failed) synced to a fresh PostgreSQL; then a tool call of the Completed one is
    /// imported twice more from an edited export, each time at the next version with another large result (a blob): the
    /// delivered record of the first of these versions then holds the only name of its blob.
    /// </summary>
    private async Task<(string ConnectionString, string CallId, string FirstBlob)> SyncAToolCallWhoseLargeResultChangedAsync()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _workspace.RunOkAsync("demo", "--sessions", "2");
        string session = (await _workspace.SessionIdsAsync("--state", "Completed")).Single();
        string export = Path.Combine(_workspace.Root, "session.jsonl");
        await _workspace.RunOkAsync("session", "export", session, "-o", export);
        string[] lines = await File.ReadAllLinesAsync(export);
        string callId = lines.Select(l => JsonNode.Parse(l)!).First(n => (string?)n["entity"] == "ToolCall")["id"]!.GetValue<string>();

        await ImportResultAsync(lines, callId, "first output", 1);
        await _workspace.RunOkAsync("db", "sync");
        string firstBlob = ScalarText("SELECT result_blob FROM tool_calls WHERE id = $h;", callId);
        await ImportResultAsync(lines, callId, "second output", 2);
        await _workspace.RunOkAsync("db", "sync");
        Assert.NotEqual(firstBlob, ScalarText("SELECT result_blob FROM tool_calls WHERE id = $h;", callId));
        return (connectionString, callId, firstBlob);
    }

    private async Task ImportResultAsync(string[] lines, string callId, string head, int step)
    {
        var edited = new StringBuilder();
        foreach (string line in lines)
        {
            JsonNode node = JsonNode.Parse(line)!;
            if ((string?)node["id"] == callId)
            {
                node["result"] = string.Concat(Enumerable.Range(0, 200).Select(i => $"{head} line {i}: Passed DateParserTests.Case{i}\n"));
                node["version"] = node["version"]!.GetValue<long>() + step;
                DateTimeOffset updated = DateTimeOffset.Parse(node["updatedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture).AddSeconds(step);
                node["updatedAt"] = updated.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
            }

            edited.Append(node.ToJsonString()).Append('\n');
        }

        string file = Path.Combine(_workspace.Root, $"edited-{step}.jsonl");
        await File.WriteAllTextAsync(file, edited.ToString());
        await _workspace.RunOkAsync("session", "import", file);
    }

    private long Scalar(string sql, string value)
        => Convert.ToInt64(Query(sql, value), CultureInfo.InvariantCulture);

    private string ScalarText(string sql, string value) => (string)Query(sql, value)!;

    private object? Query(string sql, string value)
    {
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$h", value);
        return command.ExecuteScalar();
    }

    private void Execute(string sql, string value)
    {
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$h", value);
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}

using System.Text.Json;
using Acode.Application.Options;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>acode db check</c> decodes every blob of large content against its hash and finds the hashes rows name without a
/// blob: a damaged or missing blob fails the check (exit 1) and names the session whose rows cannot be read. Reading
/// such a session is ACODE-DB-002 (a damaged file), never an unexpected error.
/// </summary>
public sealed class DbCheckBlobTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Check_names_a_damaged_blob_and_a_missing_one_with_their_sessions()
    {
        (string damagedSession, string damagedHash) = await SaveSessionWithLargeResultAsync("damaged", 'a');
        (string missingSession, string missingHash) = await SaveSessionWithLargeResultAsync("missing", 'b');
        AcodeResult sound = await _workspace.RunOkAsync("db", "check");
        Assert.Contains("healthy", sound.Stdout, StringComparison.Ordinal);

        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = """
                UPDATE blobs SET content = zeroblob(length(content)) WHERE hash = $damaged;
                DELETE FROM blobs WHERE hash = $missing;
                """;
            command.Parameters.AddWithValue("$damaged", damagedHash);
            command.Parameters.AddWithValue("$missing", missingHash);
            command.ExecuteNonQuery();
        }

        AcodeResult show = await _workspace.RunAsync("session", "show", damagedSession);
        Assert.Equal(12, show.ExitCode);
        Assert.Contains("ACODE-DB-002", show.Stderr, StringComparison.Ordinal);
        Assert.Contains($"damaged blob of large content ({damagedHash[..12]})", show.Stderr, StringComparison.Ordinal);
        Assert.Contains("Run 'acode db check'", show.Stderr, StringComparison.Ordinal);
        AcodeResult showMissing = await _workspace.RunAsync("session", "show", missingSession);
        Assert.Contains("ACODE-DB-002", showMissing.Stderr, StringComparison.Ordinal);
        Assert.Contains("it is missing", showMissing.Stderr, StringComparison.Ordinal);

        AcodeResult check = await _workspace.RunAsync("db", "check", "--json");

        Assert.Equal(1, check.ExitCode);
        JsonElement integrity = JsonDocument.Parse(check.Stdout).RootElement.GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("check").GetString() == "integrity");
        Assert.False(integrity.GetProperty("ok").GetBoolean());
        string detail = integrity.GetProperty("detail").GetString()!;
        Assert.Contains($"1 blob(s) of large content do not decode to their hash (blob {damagedHash[..12]} in {damagedSession})", detail, StringComparison.Ordinal);
        Assert.Contains($"1 blob(s) of large content named by rows are missing (blob {missingHash[..12]} in {missingSession})", detail, StringComparison.Ordinal);
        Assert.Contains("restore .agent/workspace.db from a backup", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blob_length_no_array_can_hold_is_a_damaged_blob_for_show_and_check_not_a_crash()
    {
        (string session, string hash) = await SaveSessionWithLargeResultAsync("huge length", 'c');
        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "UPDATE blobs SET raw_length = 9000000000000 WHERE hash = $hash;";
            command.Parameters.AddWithValue("$hash", hash);
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        AcodeResult show = await _workspace.RunAsync("session", "show", session);
        AcodeResult check = await _workspace.RunAsync("db", "check");

        Assert.Equal((12, 1), (show.ExitCode, check.ExitCode));
        Assert.Contains($"ACODE-DB-002: The workspace database '{_workspace.DatabasePath}' holds a damaged blob of large content ({hash[..12]})", show.Stderr, StringComparison.Ordinal);
        Assert.Contains($"do not decode to their hash (blob {hash[..12]} in {session})", check.Stdout + check.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private async Task<(string SessionId, string Hash)> SaveSessionWithLargeResultAsync(string title, char fill)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root), new SqliteOptions());
        var store = new SqliteRunStateStore(database);
        Session session = Session.Create(title);
        Step step = session.AddTask("work").AddStep("tools");
        step.Start();
        ToolCall call = step.AddToolCall("read_file", "{}");
        call.Start();
        call.Succeed(new string(fill, 8192));
        await store.SaveAsync(session);
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT result_blob FROM tool_calls WHERE id = $id;";
        command.Parameters.AddWithValue("$id", call.Id.Value);
        return (session.Id.Value, (string)command.ExecuteScalar()!);
    }
}

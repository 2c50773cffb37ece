using Acode.Application.Options;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Npgsql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A blob of large content damaged or deleted in the team's PostgreSQL, read through the real binary by another
/// workspace (<c>session show/export --remote</c>, <c>session pull</c>): ACODE-DB-002, exit 12, naming the server without
/// its password, the session and the blob, never "unexpected error" (exit 3). The advice it gives works: the workspace
/// that synced the session still shows it whole.
/// </summary>
[Trait("Issue", "15")]
[Collection(PostgresFixture.CollectionName)]
public sealed class RemoteDamagedBlobTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Fact]
    public async Task A_damaged_and_a_missing_blob_in_PostgreSQL_are_ACODE_DB_002_exit_12_for_every_remote_reader()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _b.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        (string damaged, string result) = await SaveSessionWithLargeResultAsync(_a, "damaged", 'a');
        (string missing, _) = await SaveSessionWithLargeResultAsync(_a, "missing", 'b');
        await _a.RunOkAsync("db", "sync");
        string damagedHash = await ExecuteOnBlobAsync(connectionString, damaged, "UPDATE blobs SET content = decode(repeat('00', length(content)), 'hex') WHERE hash = $1");
        string missingHash = await ExecuteOnBlobAsync(connectionString, missing, "DELETE FROM blobs WHERE hash = $1");

        AcodeResult show = await _b.RunAsync("session", "show", "--remote", damaged);
        AcodeResult showMissing = await _b.RunAsync("session", "show", "--remote", missing, "--json");
        AcodeResult export = await _b.RunAsync("session", "export", "--remote", damaged);
        AcodeResult pull = await _b.RunAsync("session", "pull", missing);

        Assert.Equal((12, 12, 12, 12), (show.ExitCode, showMissing.ExitCode, export.ExitCode, pull.ExitCode));
        Assert.Contains($"Error: ACODE-DB-002: PostgreSQL at postgresql://", show.Stderr, StringComparison.Ordinal);
        Assert.Contains($"damaged blob of large content ({damagedHash[..12]}) that session {damaged} names: its ", show.Stderr, StringComparison.Ordinal);
        Assert.Contains("do not decode", show.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Try: A workspace that synced this session still holds it whole: read it there, without --remote ('acode session show {damaged}')", show.Stderr, StringComparison.Ordinal);
        Assert.Contains($"hash '{damagedHash}'", show.Stderr, StringComparison.Ordinal);
        Assert.Contains($"({missingHash[..12]}) that session {missing} names: it is missing", showMissing.Stderr, StringComparison.Ordinal);
        Assert.Contains($"({damagedHash[..12]}) that session {damaged} names", export.Stderr, StringComparison.Ordinal);
        Assert.Contains($"({missingHash[..12]}) that session {missing} names: it is missing", pull.Stderr, StringComparison.Ordinal);
        foreach (AcodeResult failed in new[] { show, showMissing, export, pull })
        {
            Assert.DoesNotContain("Unexpected error", failed.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.Server.Password, failed.Stdout + failed.Stderr, StringComparison.Ordinal);
        }

        // The advice: the workspace that synced it reads it whole.
        AcodeResult local = await _a.RunOkAsync("session", "show", damaged, "--json");
        Assert.Contains(result, local.Stdout, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private static async Task<(string SessionId, string Result)> SaveSessionWithLargeResultAsync(CliWorkspace workspace, string title, char fill)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(workspace.Root), new SqliteOptions());
        var store = new SqliteRunStateStore(database);
        Session session = Session.Create(title);
        Step step = session.AddTask("work").AddStep("tools");
        step.Start();
        ToolCall call = step.AddToolCall("read_file", "{}");
        call.Start();
        string result = new string(fill, 8192) + " end of " + title;
        call.Succeed(result);
        await store.SaveAsync(session);
        return (session.Id.Value, result);
    }

    /// <summary>Runs <paramref name="sql"/> on the blob of the session's tool-call result in PostgreSQL; returns the blob's hash.</summary>
    private static async Task<string> ExecuteOnBlobAsync(string connectionString, string sessionId, string sql)
    {
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await using NpgsqlCommand select = dataSource.CreateCommand("SELECT result_blob FROM tool_calls WHERE session_id = $1 AND result_blob IS NOT NULL;");
        select.Parameters.AddWithValue(sessionId);
        string hash = (string)(await select.ExecuteScalarAsync())!;
        await using NpgsqlCommand change = dataSource.CreateCommand(sql);
        change.Parameters.AddWithValue(hash);
        Assert.Equal(1, await change.ExecuteNonQueryAsync());
        return hash;
    }
}

using Acode.Application.Errors;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.PostgresStore;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>
/// A document in PostgreSQL holding a value acode never writes (a step's state, a tool call's status, an artifact's
/// kind, a time: set by hand with psql, or damaged; those columns have no CHECK constraint) makes reading its session
/// ACODE-DB-002 naming the server (without its password), the session and the column, as the SQLite store's read does:
/// never an unexpected error, which the CLI reports as a bug.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresUnreadableValueTests(PostgresFixture fixture)
{
    [Theory]
    [InlineData("steps", "state", "\"Bogus\"", "steps.state holds 'Bogus'")]
    [InlineData("tool_calls", "status", "\"Bogus\"", "tool_calls.status holds 'Bogus'")]
    [InlineData("artifacts", "kind", "\"Bogus\"", "artifacts.kind holds 'Bogus'")]
    [InlineData("session_tasks", "createdAt", "\"yesterday\"", "'yesterday' is not a timestamp")]
    public async Task A_document_value_acode_never_writes_is_ACODE_DB_002_naming_server_session_and_value(string table, string key, string value, string said)
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);
        var store = new PostgresRunStateStore(dataSource, "pg_test");
        Session session = Session.Create("edited by hand");
        Step step = session.AddTask("t").AddStep("s");
        step.AddToolCall("read", "{}").Succeed("ok");
        session.AddArtifact("notes.txt", ArtifactKind.File, "text/plain", "hello"u8.ToArray(), step.Id);
        await store.SaveAsync(session);
        await using (NpgsqlCommand edit = dataSource.CreateCommand($"UPDATE {table} SET document = jsonb_set(document, ARRAY[$1], $2::jsonb) WHERE session_id = $3"))
        {
            edit.Parameters.AddWithValue(key);
            edit.Parameters.AddWithValue(value);
            edit.Parameters.AddWithValue(session.Id.Value);
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }

        AcodeDbException error = await Assert.ThrowsAsync<AcodeDbException>(() => store.GetSessionAsync(session.Id));

        Assert.Equal("ACODE-DB-002", error.Code);
        Assert.Contains($"PostgreSQL at postgresql://", error.Message, StringComparison.Ordinal);
        Assert.Contains($"holds a value acode cannot read in session {session.Id}: {said}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"acode session show {session.Id}", error.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Password, error.ToString(), StringComparison.Ordinal);
    }
}

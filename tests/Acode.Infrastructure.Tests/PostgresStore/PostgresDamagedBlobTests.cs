using Acode.Application.Errors;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.PostgresStore;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>
/// A blob of large content in PostgreSQL that is damaged (bytes that do not decode, a length no array can hold) or
/// missing makes reading the session that names it ACODE-DB-002 naming the server (without its password), the session
/// and the blob, as the SQLite store's read does: never a decoder's exception, which the CLI would report as a bug.
/// Both ways the store finds a blob are covered: through the row's blob column (the normal read) and, for a document
/// naming a blob its column does not, by the read that follows.
/// </summary>
[Trait("Issue", "15")]
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresDamagedBlobTests(PostgresFixture fixture)
{
    public static TheoryData<string, string, string> Damages => new()
    {
        // name, SQL run on the damaged blob ($1 = its hash), what the message says
        { "bytes zeroed", "UPDATE blobs SET content = decode(repeat('00', length(content)), 'hex') WHERE hash = $1", "stored bytes (br) do not decode" },
        { "bytes cut short", "UPDATE blobs SET content = substring(content FROM 1 FOR 20) WHERE hash = $1", "20 stored bytes (br) do not decode" },
        { "length no array holds", "UPDATE blobs SET raw_length = 9000000000000 WHERE hash = $1", "do not decode to its 9000000000000 bytes" },
        { "row deleted", "DELETE FROM blobs WHERE hash = $1", "it is missing" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task A_damaged_or_missing_blob_named_by_a_row_s_column_is_ACODE_DB_002_naming_server_session_and_blob(string damage, string sql, string reason)
    {
        (NpgsqlDataSource dataSource, PostgresRunStateStore store, Session session, ToolCall call) = await SessionWithLargeResultAsync();
        await using (dataSource)
        {
            string hash = await ScalarAsync<string>(dataSource, "SELECT result_blob FROM tool_calls WHERE id = $1", call.Id.Value);
            await ExecuteAsync(dataSource, sql, hash);

            AcodeDbException error = await Assert.ThrowsAsync<AcodeDbException>(() => store.GetSessionAsync(session.Id));

            AssertNamesTheDamage(error, session, hash, reason, damage);
        }
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task A_damaged_or_missing_blob_only_a_document_names_is_ACODE_DB_002_too(string damage, string sql, string reason)
    {
        (NpgsqlDataSource dataSource, PostgresRunStateStore store, Session session, ToolCall call) = await SessionWithLargeResultAsync();
        await using (dataSource)
        {
            string hash = await ScalarAsync<string>(dataSource, "SELECT result_blob FROM tool_calls WHERE id = $1", call.Id.Value);
            // A row not written by acode: its document names the blob, its column does not.
            await ExecuteAsync(dataSource, "UPDATE tool_calls SET result_blob = NULL WHERE result_blob = $1", hash);
            await ExecuteAsync(dataSource, sql, hash);

            AcodeDbException error = await Assert.ThrowsAsync<AcodeDbException>(() => store.GetSessionAsync(session.Id));

            AssertNamesTheDamage(error, session, hash, reason, damage);
        }
    }

    [Fact]
    public async Task A_damaged_artifact_content_blob_is_ACODE_DB_002_and_a_sound_session_sharing_nothing_with_it_still_reads()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);
        var store = new PostgresRunStateStore(dataSource, "pg_test");
        Session damaged = Session.Create("damaged artifact");
        damaged.AddArtifact("big.bin", ArtifactKind.File, "application/octet-stream", Enumerable.Range(0, 40_000).Select(i => (byte)(i % 251)).ToArray());
        Session sound = Session.Create("sound");
        sound.AddTask("t").AddStep("s").AddToolCall("read", "{}").Succeed(new string('s', 9000));
        await store.SaveAllAsync([damaged, sound]);
        string hash = await ScalarAsync<string>(dataSource, "SELECT content_blob FROM artifacts WHERE session_id = $1", damaged.Id.Value);
        await ExecuteAsync(dataSource, "UPDATE blobs SET content = decode(repeat('00', length(content)), 'hex') WHERE hash = $1", hash);

        AcodeDbException error = await Assert.ThrowsAsync<AcodeDbException>(() => store.GetSessionAsync(damaged.Id));

        AssertNamesTheDamage(error, damaged, hash, "do not decode", "artifact bytes zeroed");
        Assert.Equal(new string('s', 9000), (await store.GetSessionAsync(sound.Id))!.Tasks[0].Steps[0].ToolCalls[0].Result);
    }

    private void AssertNamesTheDamage(AcodeDbException error, Session session, string hash, string reason, string damage)
    {
        Assert.True(error.ErrorCode == AcodeErrorCode.NotAnAcodeDatabase, $"{damage}: {error}");
        Assert.Equal("ACODE-DB-002", error.Code);
        Assert.Contains("PostgreSQL at postgresql://", error.Message, StringComparison.Ordinal);
        Assert.Contains($"damaged blob of large content ({hash[..12]}) that session {session.Id} names", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains($"acode session show {session.Id}", error.Hint, StringComparison.Ordinal);
        Assert.Contains($"hash '{hash}'", error.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Password, error.ToString(), StringComparison.Ordinal);
    }

    private async Task<(NpgsqlDataSource DataSource, PostgresRunStateStore Store, Session Session, ToolCall Call)> SessionWithLargeResultAsync()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);
        var store = new PostgresRunStateStore(dataSource, "pg_test");
        Session session = Session.Create("large result");
        ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("run_tests", "{}");
        call.Succeed(string.Concat(Enumerable.Range(0, 2000).Select(i => $"line {i}: ok\n")));
        await store.SaveAsync(session);
        Assert.Equal(call.Result, (await store.GetSessionAsync(session.Id))!.FindToolCall(call.Id)!.Result);
        return (dataSource, store, session, call);
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, string parameter)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(parameter);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, string parameter)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(parameter);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

using Acode.Application;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Transcripts;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Transcripts;

/// <summary>Where an imported session came from, read from PostgreSQL (what <c>acode ui --remote</c> shows on a session's page).</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresImportSourceReaderTests(PostgresFixture fixture)
{
    [Fact]
    public async Task The_newest_import_source_is_read_with_its_facts_in_the_order_written_and_none_for_others()
    {
        string connectionString = await MigratedDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresRunStateStore(dataSource, "pg_test");
        var reader = new PostgresImportSourceReader(dataSource, "postgresql://test");

        Session imported = await store.CreateSessionAsync("imported");
        imported.AppendEvent(SqliteImportSourceReader.EventType, """{"agent":"claude-code","version":"2.0.1"}""");
        imported.AppendEvent("note", """{"agent":"not a source"}""");
        // Keys a jsonb column would reorder (shorter first): the facts keep the order the importer wrote.
        imported.AppendEvent(SqliteImportSourceReader.EventType, """{"version":"2.0.74","agent":"claude-code","gitBranch":"main","n":3}""");
        await store.SaveAsync(imported);
        Session plain = await store.CreateSessionAsync("plain");
        Session deleted = await store.CreateSessionAsync("deleted");
        deleted.AppendEvent(SqliteImportSourceReader.EventType, """{"agent":"codex"}""");
        await store.SaveAsync(deleted);
        await store.DeleteSessionAsync(deleted.Id);

        IReadOnlyList<KeyValuePair<string, string>>? facts = await reader.GetLatestAsync(imported.Id);
        Assert.NotNull(facts);
        Assert.Equal(["version=2.0.74", "agent=claude-code", "gitBranch=main", "n=3"], facts.Select(f => $"{f.Key}={f.Value}"));
        Assert.Null(await reader.GetLatestAsync(plain.Id));
        Assert.Null(await reader.GetLatestAsync(deleted.Id));
        Assert.Null(await reader.GetLatestAsync(SessionId.New()));
    }

    [Fact]
    public async Task The_source_is_the_main_transcript_s_latest_not_a_sub_agent_s_numbered_higher()
    {
        string connectionString = await MigratedDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresRunStateStore(dataSource, "pg_test");
        string folder = Path.Combine(Path.GetTempPath(), "acode-source-" + Guid.NewGuid().ToString("N"));
        try
        {
            string main = SubAgentSourceTranscript.Write(folder);
            Application.Transcripts.TranscriptImportReport report = await new ClaudeCodeTranscriptImporter(store).ImportFileAsync(main);

            IReadOnlyList<KeyValuePair<string, string>>? facts = await new PostgresImportSourceReader(dataSource, "postgresql://test").GetLatestAsync(SessionId.Parse(report.SessionId!));

            Assert.NotNull(facts);
            Assert.Contains(new KeyValuePair<string, string>("model", "claude-opus-4-5"), facts);
            Assert.Contains(new KeyValuePair<string, string>("gitBranch", "main"), facts);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_lookup_reads_the_session_s_events_through_their_index()
    {
        string connectionString = await MigratedDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await using (NpgsqlCommand seed = dataSource.CreateCommand("""
            INSERT INTO session_events (id, session_id, sequence, type, payload, version, created_at, updated_at, hlc, origin, document)
            SELECT 'evt_' || lpad(g::text, 7, '0'), 'sess_' || lpad((g % 2000)::text, 6, '0'), g,
                   CASE WHEN g % 100 = 0 THEN 'import.source' ELSE 'note' END, '{}', 1, now(), now(), g, 'o', '{"payload":"{}"}'
            FROM generate_series(1, 60000) g;
            ANALYZE session_events;
            """))
        {
            await seed.ExecuteNonQueryAsync();
        }

        await using NpgsqlCommand explain = dataSource.CreateCommand("EXPLAIN " + PostgresImportSourceReader.Sql);
        explain.Parameters.AddWithValue("sess_001500");
        explain.Parameters.AddWithValue(SqliteImportSourceReader.EventType);
        explain.Parameters.AddWithValue(SqliteImportSourceReader.SubAgentRangeStart);
        var lines = new List<string>();
        await using (NpgsqlDataReader r = await explain.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                lines.Add(r.GetString(0));
            }
        }

        string plan = string.Join('\n', lines);
        Assert.Contains("ix_session_events_session", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on session_events", plan, StringComparison.Ordinal);
    }

    private async Task<string> MigratedDatabaseAsync()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);
        return connectionString;
    }
}

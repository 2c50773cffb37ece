using System.Diagnostics;
using Acode.Application.Queries;
using Acode.Application.Search;
using Acode.Application.Sync;
using Acode.Domain.Entities;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Search;
using Acode.Infrastructure.Tests.Sync;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Migrations;

/// <summary>
/// A team database backed up with <c>pg_dump</c> and restored with <c>pg_restore</c> (the tools of the server's own
/// version, from <see cref="PostgresServer.DefaultBinDirectory"/>) keeps every search index, built from the decoded text.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresRestoreTests(PostgresFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("acode-restore-").FullName;

    private static readonly string[] SearchIndexes = ["ix_tool_calls_search_arguments", "ix_tool_calls_search_result", "ix_tool_calls_search_error", "ix_artifacts_search_content"];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    [Trait("Issue", "trial-AQ.5")]
    public async Task A_restored_dump_has_every_search_index_and_finds_words_written_with_json_escapes()
    {
        using SyncHarness harness = await SyncHarness.CreateAsync(fixture);
        await SaveAndSyncAsync(harness);

        string restored = await fixture.CreateDatabaseAsync();
        (int exitCode, string errors) = await DumpAndRestoreAsync(harness.ConnectionString, restored);

        Assert.True(exitCode == 0, $"pg_restore failed ({exitCode}): {errors}");
        await AssertSearchesThroughIndexesAsync(restored);
    }

    [Fact]
    [Trait("Issue", "trial-AQ.5")]
    public async Task Migrating_a_database_restored_at_1_17_0_builds_the_lost_index_and_rebuilds_the_decoded_ones()
    {
        using SyncHarness harness = await SyncHarness.CreateAsync(fixture);
        await SaveAndSyncAsync(harness);
        // The database as schema 1.17.0 left it: the two functions without a search_path of their own.
        await ExecuteAsync(harness.ConnectionString, """
            ALTER FUNCTION acode_argument_words(jsonb) RESET search_path;
            ALTER FUNCTION acode_json_text(text) RESET search_path;
            DELETE FROM schema_version WHERE version = '1.18.0';
            """);

        string restored = await fixture.CreateDatabaseAsync();
        (int exitCode, string errors) = await DumpAndRestoreAsync(harness.ConnectionString, restored);
        Assert.NotEqual(0, exitCode); // what such a restore did: the index over acode_argument_words could not be built
        Assert.Contains("ix_tool_calls_search_arguments", errors, StringComparison.Ordinal);

        await using (NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(restored, "test")))
        {
            IReadOnlyList<Migration> applied = await new PostgresMigrator().MigrateAsync(dataSource);
            Assert.Equal(["1.18.0"], applied.Select(m => m.VersionText));
        }

        await AssertSearchesThroughIndexesAsync(restored);
    }

    private static async Task SaveAndSyncAsync(SyncHarness harness)
    {
        Session session = Session.Create("restored");
        Step step = session.AddTask("t").AddStep("s");
        // Words that only a JSON decoding finds: undecoded, "\nsigmaword" is the word "nsigmaword".
        step.AddToolCall("run", """{"cmd":"ls\nsigmaword"}""").Succeed("""{"out":"first\nomegaword"}""");
        step.AddToolCall("run", "{}").Fail("""{"error":"first\nkappaword"}""");
        await harness.Store.SaveAsync(session);
        SyncRunResult result = await harness.Sync.SyncAsync();
        Assert.Equal(0, result.Remaining);
    }

    private async Task<(int ExitCode, string Errors)> DumpAndRestoreAsync(string from, string to)
    {
        string dump = Path.Combine(_folder, "team.dump");
        (int dumped, string dumpErrors) = await RunAsync("pg_dump", from, "--format=custom", "--no-owner", "--file", dump);
        Assert.True(dumped == 0, $"pg_dump failed ({dumped}): {dumpErrors}");
        return await RunAsync("pg_restore", to, "--no-owner", dump);
    }

    private static async Task<(int ExitCode, string Errors)> RunAsync(string tool, string connectionString, params string[] arguments)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(Path.Combine(Environment.GetEnvironmentVariable(PostgresServer.BinVariable) ?? PostgresServer.DefaultBinDirectory, tool))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.ArgumentList.Add("--host=" + builder.Host);
        start.ArgumentList.Add("--port=" + builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--username=" + builder.Username);
        start.ArgumentList.Add("--dbname=" + builder.Database);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = builder.Password;
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string errors = await process.StandardError.ReadToEndAsync();
        await output;
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, errors);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task AssertSearchesThroughIndexesAsync(string connectionString)
    {
        await using NpgsqlDataSource dataSource = new NpgsqlDataSourceBuilder(connectionString + ";Options=-c enable_seqscan=off").Build();
        await using (NpgsqlConnection connection = await dataSource.OpenConnectionAsync())
        {
            await using var indexes = new NpgsqlCommand("SELECT indexname FROM pg_indexes WHERE indexname = ANY(@names) ORDER BY indexname;", connection);
            indexes.Parameters.AddWithValue("names", SearchIndexes);
            var found = new List<string>();
            await using NpgsqlDataReader reader = await indexes.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                found.Add(reader.GetString(0));
            }

            Assert.Equal(SearchIndexes.Order(StringComparer.Ordinal), found);
        }

        var search = new PostgresSessionSearch(dataSource);
        foreach ((string word, string field) in new[] { ("sigmaword", "arguments"), ("omegaword", "result"), ("kappaword", "error") })
        {
            Page<SearchHit> hits = await search.SearchAsync(SearchQuery.Parse(word), SessionFilter.All, PaginationOptions.FirstPage);
            Assert.Equal([field], hits.Items.Select(h => h.Field));
        }
    }
}

using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using static Acode.Testing.PostgresSql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A reader role (docs/postgres.md, "A reader role": CONNECT, USAGE on the schema, SELECT on acode's tables) serves every
/// read of the team's PostgreSQL (<c>session list/show/search/export --remote</c>, <c>session pull</c>), while the sync
/// still requires write privileges; a reader missing SELECT is told the SELECT-only GRANT, not the sync's advice.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class RemoteReaderRoleTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _writer = new();
    private readonly CliWorkspace _reader = new();
    private readonly string _role = $"reader_{Guid.NewGuid():N}"[..20];
    private readonly string _password = $"Pw-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_SELECT_only_role_lists_shows_searches_exports_and_pulls_but_cannot_sync()
    {
        string admin = await fixture.CreateDatabaseAsync();
        _writer.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(admin);
        await _writer.RunOkAsync("demo");
        await _writer.RunOkAsync("db", "sync");
        string id = Assert.Single(await _writer.SessionIdsAsync());
        string database = new Npgsql.NpgsqlConnectionStringBuilder(admin).Database!;
        await ExecuteAsync(admin, $"""
            CREATE ROLE "{_role}" LOGIN PASSWORD '{_password}';
            GRANT CONNECT ON DATABASE "{database}" TO "{_role}";
            GRANT USAGE ON SCHEMA public TO "{_role}";
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{_role}";
            """);
        _reader.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(As(admin, _role, _password));

        JsonElement list = await _reader.JsonAsync("session", "list", "--remote");
        JsonElement show = await _reader.JsonAsync("session", "show", "--remote", id);
        AcodeResult search = await _reader.RunOkAsync("session", "search", "--remote", "recognized");
        AcodeResult export = await _reader.RunOkAsync("session", "export", "--remote", id);
        AcodeResult pullRun = await _reader.RunOkAsync("session", "pull", id, "--json");
        JsonElement pull = JsonDocument.Parse(pullRun.Stdout).RootElement;

        Assert.Equal(id, Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(id, show[0].GetProperty("id").GetString());
        Assert.Contains(id, search.Stdout, StringComparison.Ordinal);
        Assert.Contains(id, export.Stdout, StringComparison.Ordinal);
        Assert.True(pull.GetProperty("pulled")[0].GetProperty("inserted").GetInt32() > 0);
        Assert.Equal(id, Assert.Single(await _reader.SessionIdsAsync()));
        // The copy is made; what a reader cannot do (record in PostgreSQL that this workspace holds it) is said, not failed.
        Assert.Contains("did not record that this workspace holds the session pulled (the role may not write its table sync_applied", pullRun.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: ", pullRun.Stderr, StringComparison.Ordinal);

        // Pulled again unchanged: nothing is copied, and nothing says it was; the record is still missing, and said.
        AcodeResult again = await _reader.RunOkAsync("session", "pull", id);
        Assert.Contains($"{id}: already up to date", again.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("copied", again.Stdout + again.Stderr, StringComparison.Ordinal);
        Assert.Contains("did not record that this workspace holds the session pulled", again.Stderr, StringComparison.Ordinal);

        // The sync (and its status) still require write privileges, and say so.
        await _reader.RunOkAsync("demo");
        AcodeResult sync = await _reader.RunAsync("db", "sync");
        Assert.Equal(16, sync.ExitCode);
        Assert.Contains($"role \"{_role}\" lacks INSERT, UPDATE, DELETE on artifacts,", sync.Stderr, StringComparison.Ordinal);

        // So does a remote prune, before it removes anything; the GRANT's own semicolon is not doubled.
        AcodeResult prune = await _reader.RunAsync("db", "prune", "--older-than", "0s", "--remote", "--include-unsynced", "--yes");
        Assert.Equal(16, prune.ExitCode);
        Assert.Contains($"TO \"{_role}\"; --remote reads PostgreSQL's sessions before it removes anything", prune.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(";;", prune.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, (await _reader.SessionIdsAsync()).Count);
    }

    [Fact]
    public async Task A_role_without_SELECT_is_told_the_SELECT_GRANT_and_nothing_about_the_outbox()
    {
        string admin = await fixture.CreateDatabaseAsync();
        _writer.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(admin);
        await _writer.RunOkAsync("demo");
        await _writer.RunOkAsync("db", "sync");
        string id = Assert.Single(await _writer.SessionIdsAsync());
        await ExecuteAsync(admin, $"""
            CREATE ROLE "{_role}" LOGIN PASSWORD '{_password}';
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{_role}";
            REVOKE SELECT ON sessions FROM "{_role}";
            """);
        _reader.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(As(admin, _role, _password));

        foreach (string[] read in new[] { new[] { "session", "list", "--remote" }, ["session", "show", "--remote", id], ["session", "pull", id] })
        {
            AcodeResult refused = await _reader.RunAsync(read);

            Assert.Equal(16, refused.ExitCode);
            Assert.Contains("ACODE-DB-006", refused.Stderr, StringComparison.Ordinal);
            Assert.Contains($"role \"{_role}\" lacks SELECT on sessions", refused.Stderr, StringComparison.Ordinal);
            Assert.Contains($"GRANT SELECT ON ALL TABLES IN SCHEMA \"public\" TO \"{_role}\";", refused.Stderr, StringComparison.Ordinal);
            Assert.Contains("Reading the team's database needs only CONNECT on the database, USAGE on the schema and SELECT", refused.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("INSERT", refused.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("outbox", refused.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(_password, refused.Stdout + refused.Stderr, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(_reader.DatabasePath), "a refused read creates nothing locally");
    }

    public void Dispose()
    {
        _writer.Dispose();
        _reader.Dispose();
    }
}

using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A unique start of a session id works with <c>--remote</c> and <c>session pull</c> as it does locally, looked up in
/// PostgreSQL (README: "any id may be given by a unique start"): found, ambiguous (exit 2, the candidates listed) and
/// not found (exit 1), through the real binary and PostgreSQL, from a workspace that holds none of the sessions.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class RemoteSessionIdPrefixTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _team = new();
    private readonly CliWorkspace _other = new();

    [Fact]
    public async Task Show_export_and_pull_take_a_unique_start_of_an_id_from_PostgreSQL()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _team.Environment["ACODE_POSTGRES_URL"] = url;
        _other.Environment["ACODE_POSTGRES_URL"] = url;
        await _team.RunOkAsync("demo", "--sessions", "2");
        await _team.RunOkAsync("db", "sync");
        IReadOnlyList<string> ids = [.. (await _team.SessionIdsAsync()).Order(StringComparer.Ordinal)];
        int common = 0;
        while (ids[0][common] == ids[1][common])
        {
            common++;
        }

        string unique = ids[1][..Math.Max(common + 1, "sess_".Length + 4)];
        string shortStart = unique["sess_".Length..].ToLowerInvariant(); // without sess_, any case, as locally

        JsonElement shown = await _other.JsonAsync("session", "show", "--remote", shortStart, "--json");
        AcodeResult exported = await _other.RunOkAsync("session", "export", "--remote", unique, "-o", "-");
        AcodeResult pulled = await _other.RunOkAsync("session", "pull", unique);

        Assert.Equal(ids[1], shown.EnumerateArray().Single(e => e.GetProperty("entity").GetString() == "Session").GetProperty("id").GetString());
        Assert.Contains($"\"id\":\"{ids[1]}\"", exported.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{ids[1]}: pulled", pulled.Stdout, StringComparison.Ordinal);
        Assert.Equal([ids[1]], await _other.SessionIdsAsync());

        if (common >= "sess_".Length + 4)
        {
            AcodeResult ambiguous = await _other.RunAsync("session", "show", "--remote", ids[0][..common]);
            Assert.True(ambiguous.ExitCode == 2, ambiguous.ToString());
            Assert.Contains("is ambiguous: 2 sessions start with it", ambiguous.Stderr, StringComparison.Ordinal);
            Assert.Contains(ids[0], ambiguous.Stderr, StringComparison.Ordinal);
            Assert.Contains(ids[1], ambiguous.Stderr, StringComparison.Ordinal);
        }

        AcodeResult missing = await _other.RunAsync("session", "show", "--remote", "sess_ZZZZZZ");
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains("No session id starts with 'sess_ZZZZZZ' in postgresql://", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("acode session list --remote", missing.Stderr, StringComparison.Ordinal);
        AcodeResult missingPull = await _other.RunAsync("session", "pull", "ZZZZZZ");
        Assert.True(missingPull.ExitCode == 1, missingPull.ToString());
        AcodeResult missingExport = await _other.RunAsync("session", "export", "--remote", "ZZZZZZ", "-o", "-");
        Assert.True(missingExport.ExitCode == 1, missingExport.ToString());
    }

    [Fact]
    [Trait("Issue", "trial16.D1")]
    public async Task A_start_of_the_id_of_a_session_deleted_in_PostgreSQL_names_it_deleted_and_counts_it_for_ambiguity()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _team.Environment["ACODE_POSTGRES_URL"] = url;
        _other.Environment["ACODE_POSTGRES_URL"] = url;
        await _team.RunOkAsync("demo", "--sessions", "3");
        await _team.RunOkAsync("db", "sync");
        IReadOnlyList<string> ids = [.. (await _team.SessionIdsAsync()).Order(StringComparer.Ordinal)];
        string deleted = ids[1];
        await _team.RunOkAsync("session", "delete", deleted, "--yes");
        await _team.RunOkAsync("db", "sync");
        string start = UniqueStart(deleted, ids);

        // Deleted by another workspace's 'session delete' and sync: every --remote reader that takes ids says so.
        foreach (string[] command in new[] { new[] { "session", "show", "--remote", start }, ["session", "pull", start], ["session", "export", "--remote", start, "-o", "-"] })
        {
            AcodeResult result = await _other.RunAsync(command);
            Assert.True(result.ExitCode == 1, $"{string.Join(' ', command)}: {result}");
            Assert.Contains($"Session {deleted} was deleted in PostgreSQL at ", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("No session", result.Stderr, StringComparison.Ordinal);
        }

        // A start shared by a live and a deleted session is ambiguous (the user may mean either), the deleted one marked.
        string shared = CommonStart(ids[0], deleted);
        if (shared.Length >= "sess_".Length + 4)
        {
            AcodeResult ambiguous = await _other.RunAsync("session", "show", "--remote", shared);
            Assert.True(ambiguous.ExitCode == 2, ambiguous.ToString());
            Assert.Contains("is ambiguous: ", ambiguous.Stderr, StringComparison.Ordinal);
            Assert.Contains($"  {ids[0]}\n", ambiguous.Stderr, StringComparison.Ordinal);
            Assert.Contains($"  {deleted} (deleted in PostgreSQL)", ambiguous.Stderr, StringComparison.Ordinal);
        }

        // Tombstoned by 'db prune --remote': the same.
        await _team.RunOkAsync("db", "prune", "--older-than", "0s", "--remote", "--yes");
        AcodeResult pruned = await _other.RunAsync("session", "show", "--remote", UniqueStart(ids[2], ids)["sess_".Length..].ToLowerInvariant());
        Assert.True(pruned.ExitCode == 1, pruned.ToString());
        Assert.Contains($"Session {ids[2]} was deleted in PostgreSQL at ", pruned.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The shortest start of <paramref name="id"/> (at least sess_ and 4 characters) no other of <paramref name="ids"/> has.</summary>
    private static string UniqueStart(string id, IReadOnlyList<string> ids)
    {
        int length = "sess_".Length + 4;
        while (ids.Any(other => other != id && other.StartsWith(id[..length], StringComparison.Ordinal)))
        {
            length++;
        }

        return id[..length];
    }

    private static string CommonStart(string a, string b)
    {
        int common = 0;
        while (a[common] == b[common])
        {
            common++;
        }

        return a[..common];
    }

    public void Dispose()
    {
        _team.Dispose();
        _other.Dispose();
    }
}

using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>Ids people can type: a unique start of a session id is accepted wherever an id is, as git accepts short hashes.</summary>
public sealed class SessionIdPrefixTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Show_export_and_delete_accept_a_unique_prefix_with_or_without_sess_and_in_any_case()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "3");
        IReadOnlyList<string> ids = await _workspace.SessionIdsAsync();
        string id = ids[0];
        string prefix = UniquePrefix(id, ids);

        AcodeResult shown = await _workspace.RunOkAsync("session", "show", prefix);
        Assert.Contains(id, shown.Stdout);

        AcodeResult bare = await _workspace.RunOkAsync("session", "show", prefix["sess_".Length..].ToLowerInvariant());
        Assert.Contains(id, bare.Stdout);

        AcodeResult exported = await _workspace.RunOkAsync("session", "export", prefix);
        Assert.Contains(id, exported.Stdout);

        await _workspace.RunOkAsync("session", "delete", prefix, "--yes");
        Assert.DoesNotContain(id, await _workspace.SessionIdsAsync());
    }

    [Fact]
    public async Task An_ambiguous_prefix_lists_the_candidates_and_exits_2_changing_nothing()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "3");
        IReadOnlyList<string> ids = await _workspace.SessionIdsAsync();
        string common = CommonPrefix(ids);
        Assert.True(common.Length >= "sess_".Length + 4, $"the ids share too short a start to test with: {string.Join(", ", ids)}");

        foreach (string[] command in new[] { new[] { "session", "show", common }, ["session", "export", common], ["session", "delete", common, "--yes"] })
        {
            AcodeResult result = await _workspace.RunAsync(command);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains($"Error: '{common}' is ambiguous: 3 sessions start with it:", result.Stderr);
            Assert.All(ids, i => Assert.Contains(i, result.Stderr));
            Assert.Contains("Try: Give more characters of the id", result.Stderr);
        }

        Assert.Equal(3, (await _workspace.SessionIdsAsync()).Count);
    }

    [Fact]
    public async Task A_prefix_that_matches_nothing_is_not_found_and_a_too_short_one_is_a_usage_error()
    {
        await _workspace.RunOkAsync("demo");

        AcodeResult missing = await _workspace.RunAsync("session", "show", "sess_7ZZZZ");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No session id starts with 'sess_7ZZZZ'", missing.Stderr);

        AcodeResult deleteMissing = await _workspace.RunAsync("session", "delete", "7ZZZZ", "--yes");
        Assert.Equal(1, deleteMissing.ExitCode);
        Assert.Contains("nothing was deleted", deleteMissing.Stderr);

        AcodeResult tooShort = await _workspace.RunAsync("session", "show", "sess_01J");
        Assert.Equal(2, tooShort.ExitCode);
        Assert.Contains("'sess_01J' is not a session id.", tooShort.Stderr);
        Assert.Contains("at least 4 characters after sess_", tooShort.Stderr);
    }

    [Fact]
    public async Task The_id_column_of_session_list_never_wraps_on_a_narrow_terminal()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "2");
        IReadOnlyList<string> ids = await _workspace.SessionIdsAsync();
        _workspace.Environment["COLUMNS"] = "60";

        AcodeResult result = await _workspace.RunOkAsync("session", "list");

        Assert.All(ids, i => Assert.Contains(i, result.Stdout));
    }

    private static string UniquePrefix(string id, IReadOnlyList<string> all)
    {
        for (int length = "sess_".Length + 4; length <= id.Length; length++)
        {
            string prefix = id[..length];
            if (all.Count(i => i.StartsWith(prefix, StringComparison.Ordinal)) == 1)
            {
                return prefix;
            }
        }

        return id;
    }

    private static string CommonPrefix(IReadOnlyList<string> ids)
    {
        int length = 0;
        while (ids.All(i => i.Length > length && i[length] == ids[0][length]))
        {
            length++;
        }

        return ids[0][..length];
    }

    public void Dispose() => _workspace.Dispose();
}

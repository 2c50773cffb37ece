using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// The command a refused or unconfirmed removal suggests ("run the same command with --yes") is pasted as printed and
/// must remove exactly what the dry run listed, in the workspace the user named: the current folder is a workspace
/// too, so a suggestion that dropped --workspace, a filter or an id would remove the wrong sessions.
/// </summary>
public sealed partial class ConfirmationSuggestionTests : IDisposable
{
    private const string Named = "proj A";

    private readonly CliWorkspace _current = new();

    [Fact]
    public async Task The_suggested_prune_removes_exactly_what_the_dry_run_listed_in_the_named_workspace()
    {
        (IReadOnlyList<string> currentBefore, IReadOnlyList<string> namedBefore) = await TwoWorkspacesAsync();
        string[] prune = ["-w", Named, "db", "prune", "--older-than", "0s", "--state", "Failed"];
        IReadOnlyList<string> listed = Ids(await JsonInAsync([.. prune, "--dry-run", "--json"]), "removed");
        Assert.InRange(listed.Count, 1, namedBefore.Count - 1);

        AcodeResult refused = await _current.RunInAsync(_current.Root, prune);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        string suggested = Suggested(refused.Stderr);
        Assert.Matches(PrunePinnedAt(), suggested);
        // Sessions that fail after the refusal are newer than the cutoff it meant: '0s' pasted now would take them too.
        AcodeResult later = await _current.RunInAsync(_current.Root, "-w", Named, "demo", "--sessions", "6");
        Assert.True(later.ExitCode == 0, later.ToString());
        IReadOnlyList<string> namedLater = await IdsInAsync(Named);
        AcodeResult confirmed = await PrintedCommand.RunAsync(suggested, _current.Root);

        Assert.True(confirmed.ExitCode == 0, confirmed.ToString());
        Assert.Equal(namedLater.Except(listed).Order(), (await IdsInAsync(Named)).Order());
        Assert.Equal(currentBefore.Order(), (await IdsInAsync(null)).Order());
    }

    [Fact]
    public async Task The_suggested_prune_by_the_configured_retention_names_its_cutoff_and_states()
    {
        // Sessions last changed long ago (the demo's, their times moved back), so that the retention has some to remove.
        using (var source = new CliWorkspace())
        {
            await source.RunOkAsync("demo", "--sessions", "3");
            string export = Path.Combine(source.Root, "old.jsonl");
            await source.RunOkAsync("session", "export", "--all", "-o", export);
            string old = Regex.Replace(await File.ReadAllTextAsync(export), "\"(createdAt|updatedAt|startedAt|completedAt)\":\"[^\"]+\"", "\"$1\":\"2026-01-01T00:00:00.0000000Z\"");
            await File.WriteAllTextAsync(export, old);
            await _current.RunOkAsync("session", "import", export);
        }

        _current.Environment["ACODE_PERSISTENCE__RETENTION__OLDERTHANDAYS"] = "1";
        _current.Environment["ACODE_PERSISTENCE__RETENTION__STATES__0"] = "Failed";

        AcodeResult refused = await _current.RunInAsync(_current.Root, "db", "prune");

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Matches(ConfiguredPinnedAt(), Suggested(refused.Stderr));
    }

    [Fact]
    public async Task The_suggested_delete_keeps_the_workspace_and_every_id()
    {
        (IReadOnlyList<string> currentBefore, IReadOnlyList<string> namedBefore) = await TwoWorkspacesAsync();
        string[] delete = ["-w", Named, "session", "delete", namedBefore[0][..12] + namedBefore[0][12..].ToLowerInvariant(), "--", namedBefore[1]];

        AcodeResult refused = await _current.RunInAsync(_current.Root, delete);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        string suggested = Suggested(refused.Stderr);
        Assert.StartsWith("acode -w 'proj A' session delete ", suggested, StringComparison.Ordinal);
        AcodeResult confirmed = await PrintedCommand.RunAsync(suggested, _current.Root);

        Assert.True(confirmed.ExitCode == 0, confirmed.ToString());
        Assert.Equal(namedBefore.Skip(2).Order(), (await IdsInAsync(Named)).Order());
        Assert.Equal(currentBefore.Order(), (await IdsInAsync(null)).Order());
    }

    [Fact]
    public async Task Answering_no_at_the_terminal_prompt_suggests_the_same_command_with_yes()
    {
        (IReadOnlyList<string> currentBefore, IReadOnlyList<string> namedBefore) = await TwoWorkspacesAsync();
        string[] prune = ["-w", Named, "db", "prune", "--older-than", "0s", "--state", "Failed"];
        IReadOnlyList<string> listed = Ids(await JsonInAsync([.. prune, "--dry-run", "--json"]), "removed");

        (int exitCode, string terminal) = await RunOnTerminalAsync(prune, answer: "n");
        Assert.True(exitCode == 130, terminal);
        Assert.Contains("[y/N]", terminal, StringComparison.Ordinal);
        Assert.Contains("Not confirmed: nothing was removed.", terminal, StringComparison.Ordinal);
        Assert.Equal(namedBefore.Order(), (await IdsInAsync(Named)).Order());
        string suggested = TerminalSuggestion().Match(terminal) is { Success: true } match ? match.Groups[1].Value.TrimEnd('\r') : throw new Xunit.Sdk.XunitException($"No suggestion in:\n{terminal}");
        Assert.Matches(PrunePinnedAt(), suggested);
        AcodeResult confirmed = await PrintedCommand.RunAsync(suggested, _current.Root);

        Assert.True(confirmed.ExitCode == 0, confirmed.ToString());
        Assert.Equal(namedBefore.Except(listed).Order(), (await IdsInAsync(Named)).Order());
        Assert.Equal(currentBefore.Order(), (await IdsInAsync(null)).Order());
    }

    [Theory]
    [InlineData("--dry-run=false")]
    [InlineData("--dry-run", "false")]
    [Trait("Issue", "trialAH.4")]
    public async Task A_suggestion_made_after_a_switched_off_dry_run_has_it_on_where_it_says_dry_run(params string[] switchedOff)
    {
        await _current.RunOkAsync("demo", "--sessions", "2");
        IReadOnlyList<string> before = await IdsInAsync(null);

        AcodeResult refused = await _current.RunInAsync(_current.Root, ["db", "prune", "--older-than", "0s", .. switchedOff]);

        // "or first see what it would remove: … --dry-run false" ran the prune itself (and was refused again here).
        Assert.True(refused.ExitCode == 2, refused.ToString());
        string dryRun = DryRunSuggestion().Match(refused.Stderr) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException(refused.Stderr);
        Assert.DoesNotContain("false", dryRun, StringComparison.Ordinal);
        AcodeResult seen = await PrintedCommand.RunAsync(dryRun, _current.Root);
        Assert.True(seen.ExitCode == 0, seen.ToString());
        Assert.Contains("Dry run", seen.Stdout, StringComparison.Ordinal);
        Assert.Equal(before.Order(), (await IdsInAsync(null)).Order());
    }

    public void Dispose() => _current.Dispose();

    private static IReadOnlyList<string> Ids(JsonElement json, string property)
        => json.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToList();

    private static string Suggested(string stderr)
        => RefusalSuggestion().Match(stderr) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException($"No suggestion in:\n{stderr}");

    /// <summary>Runs acode in the current folder on a real pseudo-terminal (util-linux script), typing <paramref name="answer"/>.</summary>
    private async Task<(int ExitCode, string Output)> RunOnTerminalAsync(string[] args, string answer)
    {
        string line = string.Join(' ', new[] { "dotnet", AcodeBinary.Path }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var info = new ProcessStartInfo("script")
        {
            WorkingDirectory = _current.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "--quiet", "--return", "--command", line, "/dev/null" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("Could not start script (util-linux).");
        await process.StandardInput.WriteAsync(answer + "\n");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Sessions in the current folder's workspace (found by discovery) and in the one named with a relative --workspace.</summary>
    private async Task<(IReadOnlyList<string> Current, IReadOnlyList<string> Named)> TwoWorkspacesAsync()
    {
        await _current.RunOkAsync("demo", "--sessions", "3");
        AcodeResult demo = await _current.RunInAsync(_current.Root, "-w", Named, "demo", "--sessions", "6");
        Assert.True(demo.ExitCode == 0, demo.ToString());
        return (await IdsInAsync(null), await IdsInAsync(Named));
    }

    private async Task<IReadOnlyList<string>> IdsInAsync(string? workspace)
    {
        string[] workspaceOption = workspace is null ? [] : ["-w", workspace];
        JsonElement list = await JsonInAsync([.. workspaceOption, "session", "list", "--limit", "1000", "--json"]);
        return list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
    }

    private async Task<JsonElement> JsonInAsync(string[] args)
    {
        AcodeResult result = await _current.RunInAsync(_current.Root, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.Clone();
    }

    [GeneratedRegex(@"Try: Run the same command with --yes to confirm: (acode .*?)   \(")]
    private static partial Regex RefusalSuggestion();

    [GeneratedRegex(@"\(or first see what it would remove: (acode [^\n]*)\)")]
    private static partial Regex DryRunSuggestion();

    [GeneratedRegex(@"run the same command with --yes: (acode [^\n]*)")]
    private static partial Regex TerminalSuggestion();

    /// <summary>The prune of the tests, '--older-than 0s' written as the instant it meant (UtcTimestamp's form).</summary>
    [GeneratedRegex(@"^acode -w 'proj A' db prune --older-than \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z --state Failed --yes$")]
    private static partial Regex PrunePinnedAt();

    [GeneratedRegex(@"^acode db prune --yes --older-than \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z --state Failed$")]
    private static partial Regex ConfiguredPinnedAt();
}

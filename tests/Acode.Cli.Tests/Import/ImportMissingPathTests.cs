using System.Text.Json;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// A path given to <c>acode import</c> where nothing is (a typo) is one of the unreadable paths ("no such file or
/// folder", <c>--json</c>: <c>unreadable[]</c>), the others are imported and the command exits 2 as for any unreadable
/// path; only when none of the paths is there is the command line refused as a whole.
/// </summary>
public sealed class ImportMissingPathTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task A_missing_path_among_others_is_unreadable_and_the_rest_is_imported()
    {
        AcodeResult result = await _workspace.RunAsync("import", "claude-code", TranscriptFixtures.ClaudeFolder, "typo-folder", "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        JsonElement root = document.RootElement;
        Assert.Equal(1, root.GetProperty("totals").GetProperty("files").GetInt32());
        JsonElement unreadable = root.GetProperty("unreadable").EnumerateArray().Single();
        Assert.Equal("typo-folder", unreadable.GetProperty("path").GetString());
        Assert.Contains("no such file or folder", unreadable.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("Error: Cannot read 'typo-folder': no such file or folder", result.Stderr, StringComparison.Ordinal);
        Assert.Single(await _workspace.SessionIdsAsync());
    }

    [Fact]
    public async Task When_no_path_is_there_the_command_line_is_refused_and_no_workspace_is_made()
    {
        AcodeResult result = await _workspace.RunAsync("import", "codex", Path.Combine(_workspace.Root, "a"), Path.Combine(_workspace.Root, "b"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Error: No file or folder at any of the paths given", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, ".agent")), "no path there creates no workspace");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task When_the_paths_are_missing_or_a_link_loop_the_command_line_is_refused_with_each_path_said_in_the_order_given(bool loopFirst)
    {
        string loop = Path.Combine(_workspace.Root, "loop");
        File.CreateSymbolicLink(loop, "loop");

        AcodeResult result = await _workspace.RunInAsync(_workspace.Root, ["import", "claude-code", .. loopFirst ? new[] { "loop", "typo-folder" } : ["typo-folder", "loop"]]);

        Assert.True(result.ExitCode == 2, result.ToString());
        string missing = "Error: No file or folder at 'typo-folder'.\nTry: Check the path (a typo?): give a transcript of Claude Code (.jsonl) or a folder holding them.\n";
        string looped = $"Error: Cannot read 'loop': '{loop}' is a symbolic link that loops (too many levels of symbolic links). Nothing was imported.\nTry: Fix or remove the symbolic link '{loop}'";
        Assert.Contains(missing, result.Stderr, StringComparison.Ordinal);
        Assert.Contains(looped, result.Stderr, StringComparison.Ordinal);
        Assert.True(
            result.Stderr.IndexOf(loopFirst ? looped : missing, StringComparison.Ordinal) < result.Stderr.IndexOf(loopFirst ? missing : looped, StringComparison.Ordinal),
            result.ToString());
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, ".agent")), "nothing imported creates no workspace");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_link_loop_among_other_paths_is_unreadable_and_the_rest_is_imported_the_unreadable_in_the_order_given(bool loopFirst)
    {
        string loop = Path.Combine(_workspace.Root, "loop");
        File.CreateSymbolicLink(loop, "loop");
        string[] unreadableGiven = loopFirst ? ["loop", "typo-folder"] : ["typo-folder", "loop"];

        AcodeResult result = await _workspace.RunInAsync(_workspace.Root, ["import", "claude-code", unreadableGiven[0], TranscriptFixtures.ClaudeFolder, unreadableGiven[1], "--json"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        JsonElement root = document.RootElement;
        Assert.Equal(1, root.GetProperty("totals").GetProperty("files").GetInt32());
        Assert.Equal(unreadableGiven, root.GetProperty("unreadable").EnumerateArray().Select(u => u.GetProperty("path").GetString()));
        string looped = $"Error: Cannot read 'loop': '{loop}' is a symbolic link that loops (too many levels of symbolic links). Nothing of it was imported; the other files were.\nTry: Fix or remove the symbolic link '{loop}'";
        string missing = "Error: Cannot read 'typo-folder': no such file or folder";
        Assert.Contains(looped, result.Stderr, StringComparison.Ordinal);
        Assert.True(
            result.Stderr.IndexOf(loopFirst ? looped : missing, StringComparison.Ordinal) < result.Stderr.IndexOf(loopFirst ? missing : looped, StringComparison.Ordinal),
            result.ToString());
        Assert.Single(await _workspace.SessionIdsAsync());
    }

    [Theory]
    [InlineData("claude-code", false)]
    [InlineData("codex", false)]
    [InlineData("claude-code", true)]
    [InlineData("codex", true)]
    public async Task A_command_that_imports_nothing_and_fails_creates_no_workspace(string agent, bool loneRefusedFile)
    {
        string folder = Path.Combine(_workspace.Root, "here");
        Directory.CreateDirectory(folder);
        _workspace.Environment["HOME"] = "/nonexistent";
        _workspace.Environment["CLAUDE_CONFIG_DIR"] = null;
        _workspace.Environment["CODEX_HOME"] = null;
        if (loneRefusedFile)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "x.jsonl"), "{\"foo\":1}\n");
        }

        AcodeResult result = await _workspace.RunInAsync(folder, loneRefusedFile ? ["import", agent, "x.jsonl"] : ["import", agent]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(loneRefusedFile ? "is not a" : "where acode looks by default", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder, ".agent")), "nothing imported creates no workspace");
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, ".agent")), "nothing imported creates no workspace");
    }

    [Theory]
    [InlineData("claude-code", ".claude/projects")]
    [InlineData("codex", ".codex/sessions")]
    public async Task An_empty_default_folder_imports_nothing_and_says_where_acode_looked(string agent, string defaultFolder)
    {
        string home = Path.Combine(_workspace.Root, "home");
        string folder = Path.Combine(home, defaultFolder);
        Directory.CreateDirectory(folder);
        _workspace.Environment["HOME"] = home;
        _workspace.Environment["CLAUDE_CONFIG_DIR"] = null;
        _workspace.Environment["CODEX_HOME"] = null;

        AcodeResult result = await _workspace.RunAsync("import", agent);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Imported 0 transcript(s) into 0 session(s)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"No transcripts of {(agent == "codex" ? "the Codex CLI" : "Claude Code")} in '{folder}', where acode looks by default", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"give that folder: acode import {agent} PATH.", result.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}

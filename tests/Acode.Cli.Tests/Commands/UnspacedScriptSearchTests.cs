using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A title in a script written without spaces is one word per run (docs/search.md): a word inside the run finds nothing
/// and <c>session search</c> says why and what finds it (trial AA: a bare "No hits"); the run's start as a prefix finds it.
/// </summary>
public sealed class UnspacedScriptSearchTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task A_word_inside_a_run_of_Japanese_is_not_found_and_the_search_says_to_search_its_start_as_a_prefix()
    {
        string file = Path.Combine(_workspace.Root, "t", "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, """{"type":"user","uuid":"u1","timestamp":"2026-12-01T10:00:00Z","message":{"role":"user","content":"ページネーションのテストを直す"}}""" + "\n");
        await _workspace.RunOkAsync("import", "claude-code", file);

        AcodeResult inside = await _workspace.RunOkAsync("session", "search", "テスト");
        AcodeResult latin = await _workspace.RunOkAsync("session", "search", "zebra");
        AcodeResult prefix = await _workspace.RunOkAsync("session", "search", "ページ*");

        Assert.Contains("No hits for", inside.Stdout, StringComparison.Ordinal);
        Assert.Contains("is indexed as one word per run", inside.Stdout.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.DoesNotContain("one word per run", latin.Stdout.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.DoesNotContain("No hits", prefix.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}

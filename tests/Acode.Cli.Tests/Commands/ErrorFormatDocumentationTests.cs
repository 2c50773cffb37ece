using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// The README's "Errors and exit codes" says what an error line really looks like: only database errors (exit 11–17)
/// carry an ACODE-DB code; a usage error (exit 2) and a not-found error (exit 1) are told apart by their exit code.
/// </summary>
public sealed partial class ErrorFormatDocumentationTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task The_README_describes_the_error_line_of_every_kind_of_error_as_printed()
    {
        string section = ErrorsSection();
        AcodeResult usage = await _workspace.RunAsync("session", "list", "--lmit", "3");
        await _workspace.RunOkAsync("demo", "--sessions", "1");
        AcodeResult notFound = await _workspace.RunAsync("session", "show", "sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V");
        using var damaged = new CliWorkspace();
        Directory.CreateDirectory(Path.GetDirectoryName(damaged.DatabasePath)!);
        await File.WriteAllBytesAsync(damaged.DatabasePath, System.Security.Cryptography.RandomNumberGenerator.GetBytes(8192));
        AcodeResult database = await damaged.RunAsync("session", "list");

        Assert.Equal(2, usage.ExitCode);
        Assert.Equal(1, notFound.ExitCode);
        Assert.Equal(12, database.ExitCode);
        Assert.DoesNotMatch(CodePrefix(), usage.Stderr);
        Assert.DoesNotMatch(CodePrefix(), notFound.Stderr);
        Assert.Matches(CodePrefix(), database.Stderr);

        // The README's first sentence of the section: the form every error has, then which ones carry a code.
        Assert.DoesNotContain("Every error prints `Error: <code>:", section, StringComparison.Ordinal);
        Assert.Contains("Every error prints `Error: <what happened>` and `Try: <what to do next>`", section, StringComparison.Ordinal);
        Assert.Contains("`Error: ACODE-DB-00N: <what happened>`, and exits 11 to 17", section, StringComparison.Ordinal);
        Assert.Contains("a usage error, exit 2", section, StringComparison.Ordinal);
        Assert.Contains("a session not found, no acode workspace where a command looked", section, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    [GeneratedRegex(@"^Error: ACODE-DB-\d{3}: ", RegexOptions.Multiline)]
    private static partial Regex CodePrefix();

    private static string ErrorsSection()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string readme = Path.Combine(dir.FullName, "README.md");
            if (File.Exists(Path.Combine(dir.FullName, "Acode.sln")) && File.Exists(readme))
            {
                string text = File.ReadAllText(readme).ReplaceLineEndings("\n");
                int start = text.IndexOf("### Errors and exit codes", StringComparison.Ordinal);
                Assert.True(start >= 0, "README.md has no 'Errors and exit codes' section");
                return Regex.Replace(text[start..(start + 2000)], @"\s*\n\s*", " ", RegexOptions.None, TimeSpan.FromSeconds(1));
            }
        }

        throw new DirectoryNotFoundException("README.md not found above the test folder.");
    }
}

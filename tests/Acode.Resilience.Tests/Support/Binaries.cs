namespace Acode.Resilience.Tests.Support;

/// <summary>Where the programs the scenarios start live: the built acode CLI and the resilience driver (built before the tests).</summary>
internal static class Binaries
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepoRoot => Root.Value;

    /// <summary>Debug or Release, whichever this test assembly was built as.</summary>
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string Acode => Existing(Path.Combine(RepoRoot, "src", "Acode.Cli", "bin", Configuration, "net10.0", "acode.dll"));

    public static string Driver => Existing(Path.Combine(RepoRoot, "tests", "Acode.Resilience.Driver", "bin", Configuration, "net10.0", "Acode.Resilience.Driver.dll"));

    private static string Existing(string path)
        => File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: build the solution first (dotnet build Acode.sln).", path);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Acode.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"Acode.sln not found above {AppContext.BaseDirectory}.");
    }
}

using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Acode.Cli.Tests.Packaging;

/// <summary>
/// The README's "Install" section, as a new user follows it (issue 11): the tool package is packed, installed with
/// <c>dotnet tool install</c> from a local folder, and the installed <c>acode</c> runs in a fresh workspace.
/// </summary>
public sealed partial class ToolInstallTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("acode-tool-").FullName;

    [PackagingFact]
    [Trait("Category", "Packaging")]
    public async Task The_packed_tool_installs_with_dotnet_tool_install_and_runs_version_and_db_status()
    {
        string packages = Path.Combine(_root, "packages"), tools = Path.Combine(_root, "tools"), workspace = Path.Combine(_root, "work");
        Directory.CreateDirectory(workspace);

        (int packed, string packOutput) = await RunAsync("dotnet", RepositoryRoot(), "pack", "src/Acode.Cli", "-c", "Release", "--no-restore", "-o", packages);
        Assert.True(packed == 0, packOutput);
        string nupkg = Assert.Single(Directory.GetFiles(packages, "Acode.Cli.*.nupkg"));
        string version = Path.GetFileNameWithoutExtension(nupkg)["Acode.Cli.".Length..];
        Assert.Matches(SemVer(), version);
        using (ZipArchive archive = ZipFile.OpenRead(nupkg))
        {
            string[] entries = archive.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("README.md", entries);
            Assert.Contains("LICENSE", entries);
            string[] natives = entries.Where(e => e.Contains("/runtimes/", StringComparison.Ordinal)).Select(e => e.Split('/')[4]).Distinct().Order().ToArray();
            Assert.Equal(["linux-arm64", "linux-musl-arm64", "linux-musl-x64", "linux-x64", "osx-arm64", "osx-x64", "win-arm64", "win-x64"], natives);
        }

        (int installed, string installOutput) = await RunAsync("dotnet", _root, "tool", "install", "Acode.Cli", "--tool-path", tools, "--add-source", packages, "--version", version, "--ignore-failed-sources");
        Assert.True(installed == 0, installOutput);
        string acode = Path.Combine(tools, OperatingSystem.IsWindows() ? "acode.exe" : "acode");

        (int versionExit, string printed) = await RunAsync(acode, workspace, "--version");
        Assert.Equal(0, versionExit);
        Assert.StartsWith(version, printed.Trim(), StringComparison.Ordinal);

        (int migrateExit, string migrated) = await RunAsync(acode, workspace, "db", "migrate");
        Assert.True(migrateExit == 0, migrated); // creates the workspace; reading commands never do
        (int statusExit, string status) = await RunAsync(acode, workspace, "db", "status");
        Assert.True(statusExit == 0, status);
        Assert.Contains("1.", status, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(workspace, ".agent", "workspace.db")), status);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string RepositoryRoot()
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Acode.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Acode.sln not found above " + AppContext.BaseDirectory);
    }

    /// <returns>The exit code, and standard output and error interleaved as they came.</returns>
    private async Task<(int ExitCode, string Output)> RunAsync(string program, string directory, params string[] args)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("ACODE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        if (args[0] == "tool")
        {
            // A package cache of the install's own: the same version packed twice must not be served from the user's cache.
            info.Environment["NUGET_PACKAGES"] = Path.Combine(_root, "nuget-cache");
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$")]
    private static partial Regex SemVer();
}

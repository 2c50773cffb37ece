using System.Security.Cryptography;
using System.Text.Json;

namespace Acode.Cli.Tests.Support;

/// <summary>A temp folder to run acode in, deleted afterwards; runs are pinned to it with --workspace unless told otherwise.</summary>
public sealed class CliWorkspace : IDisposable
{
    public CliWorkspace()
    {
        Root = Directory.CreateTempSubdirectory("acode-cli-").FullName;
    }

    public string Root { get; }

    public string DatabasePath => Path.Combine(Root, ".agent", "workspace.db");

    public Dictionary<string, string?> Environment { get; } = new();

    /// <summary>Runs <c>acode --workspace Root args…</c>.</summary>
    public Task<AcodeResult> RunAsync(params string[] args)
        => AcodeBinary.RunAsync(Root, Environment, ["--workspace", Root, .. args]);

    /// <summary>Runs acode in <paramref name="directory"/> without --workspace, so discovery applies.</summary>
    public Task<AcodeResult> RunInAsync(string directory, params string[] args)
        => AcodeBinary.RunAsync(directory, Environment, args);

    public async Task<AcodeResult> RunOkAsync(params string[] args)
    {
        AcodeResult result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"acode {string.Join(' ', args)} failed:\n{result}");
        return result;
    }

    public async Task<JsonElement> JsonAsync(params string[] args)
    {
        AcodeResult result = await RunOkAsync([.. args, "--json"]);
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.Clone();
    }

    public async Task<IReadOnlyList<string>> SessionIdsAsync(params string[] filters)
    {
        JsonElement list = await JsonAsync(["session", "list", "--limit", "1000", .. filters]);
        return list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
    }

    /// <summary>
    /// Asserts that no session is stored here: the workspace holds none, or there is none (a refused import creates no
    /// workspace).
    /// </summary>
    public async Task AssertNoSessionStoredAsync()
    {
        if (File.Exists(DatabasePath))
        {
            Assert.Empty(await SessionIdsAsync());
        }
        else
        {
            Assert.False(Directory.Exists(Path.Combine(Root, ".agent")), "no database, yet a .agent folder");
        }
    }

    /// <summary>
    /// Each entry of <c>.agent/</c> with its size, modification time and SHA-256, and the folder's own modification time:
    /// equal snapshots mean a command changed nothing there.
    /// </summary>
    public IReadOnlyList<string> AgentFolderSnapshot()
    {
        string folder = Path.Combine(Root, ".agent");
        var entries = new List<string> { $".agent/ {Directory.GetLastWriteTimeUtc(folder).Ticks}" };
        foreach (string file in Directory.GetFileSystemEntries(folder).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(file);
            entries.Add($"{info.Name} {info.Length} {info.LastWriteTimeUtc.Ticks} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)))}");
        }

        return entries;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the OS temp cleaner takes the rest.
        }
    }
}

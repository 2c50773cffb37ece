using System.Diagnostics;

namespace Acode.Resilience.Tests.Support;

/// <summary>
/// A temporary folder for one scenario, deleted afterwards (after unmounting anything mounted inside it). Open to
/// every user (0777) when <c>shared</c>, so that a child running as an unprivileged user can reach folders in it.
/// </summary>
internal sealed class Scratch : IDisposable
{
    private readonly List<string> _mounts = [];

    public Scratch(bool shared = false)
    {
        Root = Directory.CreateTempSubdirectory("acode-resilience-").FullName;
        if (shared)
        {
            File.SetUnixFileMode(Root, (UnixFileMode)0b111_111_111);
        }
    }

    public string Root { get; }

    /// <summary>Creates (if needed) and returns the folder <paramref name="name"/> inside the scratch folder.</summary>
    public string Dir(string name)
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>Remembers a mount point to unmount on dispose.</summary>
    public void Mounted(string path) => _mounts.Add(path);

    public void Dispose()
    {
        foreach (string mount in _mounts)
        {
            Run("umount", "-l", mount);
        }

        // Undo read-only modes a scenario set, so that the folder can be deleted.
        Run("chmod", "-R", "u+rwX", Root);
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the temp cleaner takes what a still-exiting child held open.
        }
    }

    /// <summary>Runs a small system command and returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"Cannot start {file}.");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within 60 s.");
        }

        return (process.ExitCode, (output + error.GetAwaiter().GetResult()).Trim());
    }
}

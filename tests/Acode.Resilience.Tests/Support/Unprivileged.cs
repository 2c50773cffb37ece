namespace Acode.Resilience.Tests.Support;

/// <summary>
/// Runs children as an unprivileged user. Permission scenarios prove nothing as root (root ignores file modes), so when
/// the tests run as root the child is started as <c>nobody</c> (uid/gid 65534) through <c>setpriv</c> (or
/// <c>runuser</c>); when they already run unprivileged, children run directly. Neither possible: the scenario fails.
/// </summary>
internal static class Unprivileged
{
    public const int Uid = 65534;

    public static bool IsRoot => Environment.UserName == "root" || GetUid() == 0;

    /// <summary>Who the children run as, for the figures.</summary>
    public static string Description => IsRoot ? $"uid {Uid} (nobody) via {(File.Exists("/usr/bin/setpriv") ? "setpriv" : "runuser")}" : $"the test user {Environment.UserName} (not root)";

    /// <summary>Options that run a child unprivileged, with a HOME it may use.</summary>
    public static ChildOptions Options(string home, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var env = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>()) { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home };
        if (!IsRoot)
        {
            return new ChildOptions { Environment = env, WorkingDirectory = home };
        }

        if (File.Exists("/usr/bin/setpriv"))
        {
            return new ChildOptions { Environment = env, WorkingDirectory = home, Prefix = ["setpriv", $"--reuid={Uid}", $"--regid={Uid}", "--clear-groups", "--"] };
        }

        if (File.Exists("/usr/sbin/runuser") || File.Exists("/sbin/runuser"))
        {
            return new ChildOptions { Environment = env, WorkingDirectory = home, Prefix = ["runuser", "-u", "nobody", "--"] };
        }

        throw new InvalidOperationException("The tests run as root and neither setpriv nor runuser is installed, so the permission scenarios cannot run as an unprivileged user (as root they would prove nothing). Fix: apt-get install -y util-linux, or run the tests as a non-root user.");
    }

    /// <summary>Gives <paramref name="path"/> to the unprivileged user (when the tests run as root).</summary>
    public static void Own(string path)
    {
        if (IsRoot)
        {
            (int exit, string output) = Scratch.Run("chown", "-R", $"{Uid}:{Uid}", path);
            Assert.True(exit == 0, $"chown {path}: {output}");
        }
    }

    private static int GetUid()
    {
        try
        {
            string status = File.ReadAllText("/proc/self/status");
            string line = status.Split('\n').First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }
}

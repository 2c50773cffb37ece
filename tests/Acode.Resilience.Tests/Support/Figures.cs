namespace Acode.Resilience.Tests.Support;

/// <summary>
/// Reports a scenario's figure: in the test output (ITestOutputHelper; shown with
/// <c>--logger "console;verbosity=detailed"</c>) and appended to <c>resilience-figures.txt</c> next to the test assembly.
/// </summary>
internal static class Figures
{
    private static readonly Lock Gate = new();

    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "resilience-figures.txt");

    public static void Report(ITestOutputHelper output, string scenario, string figure)
    {
        string line = $"[{scenario}] {figure}";
        output.WriteLine(line);
        string entry = $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ} seed={Knobs.Seed} {line}{Environment.NewLine}";
        lock (Gate)
        {
            try
            {
                File.AppendAllText(FilePath, entry);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                // The build output is not writable for this user (tests run under another account): the temp folder then.
                File.AppendAllText(Path.Combine(Path.GetTempPath(), "acode-resilience-figures.txt"), entry);
            }
        }
    }
}

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
        lock (Gate)
        {
            File.AppendAllText(FilePath, $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ} seed={Knobs.Seed} {line}{Environment.NewLine}");
        }
    }
}

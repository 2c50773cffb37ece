using System.Diagnostics;
using System.Globalization;

namespace Acode.Cli.Tests.Support;

/// <summary>Ctrl+C for a process the test started (a <c>--watch</c>): SIGINT, as a terminal sends it.</summary>
public static class ProcessInterrupt
{
    /// <summary>
    /// Sends SIGINT to <paramref name="process"/> unless it has exited already (its id could name another process by
    /// now), then waits up to a minute for it to exit.
    /// </summary>
    /// <exception cref="TimeoutException">It did not exit within a minute.</exception>
    public static async Task SendAndWaitAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (!process.HasExited)
        {
            using Process kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
    }
}

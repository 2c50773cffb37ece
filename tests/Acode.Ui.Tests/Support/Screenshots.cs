using Microsoft.Playwright;

namespace Acode.Ui.Tests.Support;

/// <summary>Saves screenshots as test artifacts under tests/Acode.Ui.Tests/TestResults/screenshots (or ACODE_UI_SCREENSHOTS).</summary>
public static class Screenshots
{
    public static string Folder { get; } = Locate();

    public static async Task<string> SaveAsync(IPage page, string name, bool fullPage = false)
    {
        string path = Path.Combine(Folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        return path;
    }

    private static string Locate()
    {
        string? configured = Environment.GetEnvironmentVariable("ACODE_UI_SCREENSHOTS");
        string folder = configured ?? FindProjectFolder();
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string FindProjectFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Acode.Ui.Tests.csproj")))
            {
                return Path.Combine(dir.FullName, "TestResults", "screenshots");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
    }
}

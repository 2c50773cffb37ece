using Microsoft.Playwright;

namespace Acode.Ui.Tests.Support;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium) driven by Playwright, headless. Browsers cannot be downloaded here, so the
/// system one is used; when it is missing the test fails with how to install it (never skipped).
/// </summary>
public sealed class HeadlessBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private HeadlessBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>
    /// <see cref="LaunchAsync"/> for a class that started <paramref name="viewer"/> in its InitializeAsync: when the browser
    /// cannot start (a missing Chromium), the viewer is stopped before the failure goes on, since xUnit does not dispose
    /// a class whose InitializeAsync failed.
    /// </summary>
    public static async Task<HeadlessBrowser> LaunchBesideAsync(UiProcess viewer)
    {
        try
        {
            return await LaunchAsync();
        }
        catch
        {
            await viewer.DisposeAsync();
            throw;
        }
    }

    public static async Task<HeadlessBrowser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: the browser tests need Debian's Chromium. Install it with 'apt-get install -y chromium' (.ci/run does).");
        }

        IPlaywright playwright = await Playwright.CreateAsync();
        try
        {
            IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                ],
            });
            return new HeadlessBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh context (no cookies) and page, 1400×900.</summary>
    public async Task<IPage> NewPageAsync()
    {
        IBrowserContext context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}

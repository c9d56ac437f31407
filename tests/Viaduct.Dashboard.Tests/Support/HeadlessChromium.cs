using Microsoft.Playwright;

namespace Viaduct.Dashboard.Tests.Support;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright. Nothing is downloaded: Playwright's own browsers are never
/// installed, and the browser is told not to reach out (updates, sync, background fetches).
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        Assert.True(
            File.Exists(ExecutablePath),
            $"{ExecutablePath} is missing: the operator page's end-to-end test needs Debian's chromium package " +
            "(scripts/test.sh installs it; by hand: apt-get install -y chromium).");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Timeout = 60_000,
                Args =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                ],
            });
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}

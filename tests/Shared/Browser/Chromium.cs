using System.IO;
using System.Threading.Tasks;
using Microsoft.Playwright;

namespace Sse.Tests;

/// <summary>Headless Chromium from Debian's package (never a downloaded browser), for pages that use EventSource.</summary>
internal static class Chromium
{
    public const string Executable = "/usr/bin/chromium";
    public const string Install = "apt-get update && apt-get install -y chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Tools.Require(Executable, Install),
        Headless = true,
        // The machine has no network beyond loopback: keep Chromium from reaching out.
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });

    /// <summary>Saves a screenshot of the page as <c>artifacts/screenshots/{name}.png</c> and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}

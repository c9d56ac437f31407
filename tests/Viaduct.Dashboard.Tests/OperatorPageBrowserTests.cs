using Microsoft.Playwright;
using Viaduct.Dashboard.Tests.Support;
using Viaduct.Shared.Data.Operations;

namespace Viaduct.Dashboard.Tests;

/// <summary>
/// The operator page end to end: the real host, the real page in headless Chromium on a phone and on a desktop screen,
/// over real HTTP. Each run leaves screenshots in <c>artifacts/screenshots/</c>.
/// </summary>
public sealed class OperatorPageBrowserTests(SeededDashboard dashboard) : IClassFixture<SeededDashboard>
{
    public static TheoryData<string, int, int, bool> Screens => new()
    {
        { "phone", 390, 844, true },
        { "desktop", 1280, 900, false },
    };

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task The_operator_page_shows_the_backlog_the_latest_files_and_the_parked_cases(string screen, int width, int height, bool mobile)
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            IsMobile = mobile,
            HasTouch = mobile,
        });
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add($"{message.Text} ({message.Location})");
            }
        };

        await page.GotoAsync(new Uri(dashboard.Host.Address, "/ops").ToString());

        var backlog = page.Locator("#backlog tbody tr");
        var e2 = page.Locator($"#backlog tbody tr[data-engine='{EngineNames.Transformer}']");
        await e2.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.Equal(EngineNames.All.Count, await backlog.CountAsync());
        Assert.Equal(OperationsRows.ReadyForE2.ToString(System.Globalization.CultureInfo.InvariantCulture), await e2.Locator("td.backlog").InnerTextAsync());
        Assert.Equal("1", await e2.Locator("td.hosts").InnerTextAsync());
        Assert.Contains(OperationsRows.E2Error, await e2.Locator("td.last-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Matches(@"^\d+ min$", await e2.Locator("td.lag").InnerTextAsync());
        var e1 = page.Locator($"#backlog tbody tr[data-engine='{EngineNames.Extractor}']");
        Assert.Equal("1", await e1.Locator("td.backlog").InnerTextAsync());

        var latest = page.Locator("#files tbody tr").First;
        Assert.Equal(dashboard.Rows.WaitingFileId.ToString(System.Globalization.CultureInfo.InvariantCulture), await latest.GetAttributeAsync("data-file-id"));
        Assert.Contains(OperationsRows.WaitingKey, await latest.InnerTextAsync(), StringComparison.Ordinal);
        var duplicate = page.Locator($"#files tbody tr[data-file-id='{dashboard.Rows.DuplicateFileId}']");
        Assert.Contains($"duplicate of #{dashboard.Rows.ProcessedFileId}", await duplicate.InnerTextAsync(), StringComparison.Ordinal);

        var parked = page.Locator($"#parked tbody tr[data-case-id='{dashboard.Rows.ParkedCaseId}']");
        var parkedText = await parked.InnerTextAsync();
        Assert.Contains(OperationsRows.CountyFips, parkedText, StringComparison.Ordinal);
        Assert.Contains("parked", parkedText, StringComparison.Ordinal);
        // The reason is shown cut short, never whole.
        var reason = await parked.Locator("td.reason").InnerTextAsync();
        Assert.StartsWith(OperationsRows.ParkedReason[..40], reason, StringComparison.Ordinal);
        Assert.Equal("(1)", await page.Locator("#parked-count").InnerTextAsync());

        Assert.Matches(@"^Updated \d\d:\d\d:\d\d", await page.Locator("#freshness").InnerTextAsync());
        Assert.Equal("/hangfire", await page.Locator("a[href='/hangfire']").GetAttributeAsync("href"));

        // Nothing sticks out sideways: the page reads on a phone without scrolling across.
        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the page is {overflow} px wider than the {screen} screen");
        Assert.True(consoleErrors.Count == 0, "the page logged errors: " + string.Join("; ", consoleErrors));

        var path = Path.Combine(Artifacts.Directory("screenshots"), $"operator-page-{screen}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 0, $"no screenshot at {path}");
    }

    [Fact]
    public async Task When_the_status_cannot_be_read_the_page_says_so_and_keeps_the_last_figures()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(dashboard.Host.Address, "/ops").ToString());
        var e2Backlog = page.Locator($"#backlog tbody tr[data-engine='{EngineNames.Transformer}'] td.backlog");
        await e2Backlog.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });

        // From now on every status read fails as a broken server would.
        await page.RouteAsync("**/ops/api/status", route => route.FulfillAsync(new RouteFulfillOptions { Status = 503, Body = "down" }));

        var problem = page.Locator("#problem");
        await problem.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.Contains("503", await problem.InnerTextAsync(), StringComparison.Ordinal);
        Assert.StartsWith("Last updated", await page.Locator("#freshness").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("3", await e2Backlog.InnerTextAsync());

        // And it recovers by itself when the server answers again.
        await page.UnrouteAllAsync();
        await page.Locator("#problem[hidden]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 15_000 });
        Assert.StartsWith("Updated", await page.Locator("#freshness").InnerTextAsync(), StringComparison.Ordinal);
    }
}

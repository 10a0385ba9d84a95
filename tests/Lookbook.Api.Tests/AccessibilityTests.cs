using Deque.AxeCore.Playwright;
using Lookbook.Testing;
using Microsoft.Playwright;

namespace Lookbook.Api.Tests;

/// <summary>
/// axe-core (Deque's engine, run inside the real Chromium) on each view of the page: no serious or critical violation,
/// and the keyboard reaches the controls in reading order with a visible focus ring.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture browser)
{
    private static async Task AssertAccessibleAsync(IPage page, string view)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join("; ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target?.ToString() ?? "")))}")
            .ToList();
        Assert.True(serious.Count == 0, $"{view}:\n" + string.Join("\n", serious));
    }

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task Home_results_product_and_history_have_no_serious_violations(int width, int height)
    {
        var page = await browser.NewPageAsync(width, height);
        await page.GotoAsync(browser.BaseUrl + "/");
        await page.Locator("#for-you-list .card").First.WaitForAsync();
        await AssertAccessibleAsync(page, "home");

        await page.Locator("#file-input").SetInputFilesAsync(Path.Combine(RepositoryPaths.Queries, "dress.png"));
        await page.Locator("#results .card .similarity").First.WaitForAsync();
        await AssertAccessibleAsync(page, "results");

        await page.Locator("#results .card a").First.ClickAsync();
        await page.Locator("#similar .card").First.WaitForAsync();
        await AssertAccessibleAsync(page, "product");

        await page.Locator("#history-link").ClickAsync();
        await page.Locator("#history-list .card").First.WaitForAsync();
        await AssertAccessibleAsync(page, "history");

        await page.GotoAsync(browser.BaseUrl + "/product/no-such-product");
        await page.GetByText("Product not found").WaitForAsync();
        await AssertAccessibleAsync(page, "unknown product");
    }

    [Fact]
    public async Task The_keyboard_reaches_the_photo_picker_first_and_focus_is_visible()
    {
        var page = await browser.NewPageAsync(1280, 900);
        await page.GotoAsync(browser.BaseUrl + "/");
        await page.Locator("#for-you-list .card").First.WaitForAsync();

        var order = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            order.Add(await page.EvaluateAsync<string>("() => document.activeElement.id || document.activeElement.textContent.trim()"));
            var outline = await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle");
            Assert.NotEqual("none", outline);
        }

        // The brand and the navigation, then the drop zone, then the category filter: the order they are read in.
        Assert.Equal(["Lookbook", "Search", "history-link", "Evaluation", "API", "drop-zone", "category"], order);
    }
}

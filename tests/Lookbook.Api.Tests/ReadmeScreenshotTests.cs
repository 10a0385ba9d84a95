using Lookbook.Testing;
using Microsoft.Playwright;

namespace Lookbook.Api.Tests;

/// <summary>
/// The README's screenshots, taken from the real page in Chromium: <c>scripts/screenshots.sh</c> runs this test with
/// <c>LOOKBOOK_SCREENSHOTS</c> set to <c>docs/screenshots</c>; in CI they go to the test artifacts like the others.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReadmeScreenshotTests(BrowserFixture browser)
{
    private static string Folder => Environment.GetEnvironmentVariable("LOOKBOOK_SCREENSHOTS") is { Length: > 0 } folder
        ? Path.GetFullPath(folder)
        : Path.Combine(BrowserFixture.Artifacts, "readme");

    [Fact]
    public async Task The_readme_screenshots_show_the_results_where_the_eye_lands()
    {
        Directory.CreateDirectory(Folder);
        await ShootSearchAsync(1280, 800, "search-desktop.png");
        await ShootSearchAsync(390, 844, "search-phone.png");

        var page = await browser.NewPageAsync(1280, 800);
        await page.GotoAsync(browser.BaseUrl + "/product/fmnist-train-00005");
        await page.Locator("#similar .card img").First.WaitForAsync();
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#similar .card img')].slice(0, 6).every(i => i.complete && i.naturalWidth > 0)");
        await Save(page, "product-desktop.png");
    }

    private async Task ShootSearchAsync(int width, int height, string name)
    {
        var page = await browser.NewPageAsync(width, height);
        await page.GotoAsync(browser.BaseUrl + "/");
        await page.Locator("#file-input").SetInputFilesAsync(Path.Combine(RepositoryPaths.Queries, "sneaker.png"));
        var first = page.Locator("#results .card .similarity").First;
        await first.WaitForAsync();
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#results .card img')].slice(0, 4).every(i => i.complete && i.naturalWidth > 0)");

        // What the picture shows is what a shopper sees first: the first result inside the screen.
        var box = await first.BoundingBoxAsync();
        Assert.True(box is not null && box.Y + box.Height <= height, $"first result at {box?.Y} of {height} px");
        await Save(page, name);
    }

    private static async Task Save(IPage page, string name)
    {
        var path = Path.Combine(Folder, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Type = ScreenshotType.Png });
        Assert.InRange(new FileInfo(path).Length, 5_000, 400_000); // a picture, and a small one
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Lookbook.Api.Hosting;
using Lookbook.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace Lookbook.Api.Tests;

/// <summary>
/// The garments found on a shopper's photo, on the page in the real Chromium at desktop and phone size: a box over
/// each with the searched one highlighted and a chip per garment, a tap on another searches it, a drag on the
/// searched box adjusts it, and the chips work from the keyboard.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class DetectedItemsWebPageTests(BrowserFixture browser, DetectedItemsFixture catalog) : IClassFixture<DetectedItemsFixture>, IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private WebApplication? _app;

    public async Task InitializeAsync()
    {
        _app = LookbookWebApp.Create(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string?>
        {
            ["Lookbook:Storage:DatabasePath"] = catalog.Database,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Dispose();
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task Each_garment_on_the_photo_is_boxed_a_tap_searches_another_and_a_drag_adjusts_it(int width, int height)
    {
        var page = await browser.NewPageAsync(width, height);
        await page.GotoAsync(_app!.Urls.First() + "/");
        await page.Locator("#results .card").First.WaitForAsync(); // the home state has loaded

        await page.Locator("#file-input").SetInputFilesAsync(_temp.Write("outfit.jpg", catalog.Outfit));
        await page.Locator("#results .card .similarity").First.WaitForAsync();

        // A box over each garment, the searched one highlighted, and a chip per garment saying which is searched.
        var boxes = page.Locator("#crop-frame .item-box");
        var chips = page.Locator("#items button");
        var found = await boxes.CountAsync();
        Assert.True(found >= 2, $"{found} boxes on a photo of two garments");
        Assert.Equal(found, await chips.CountAsync());
        Assert.True(await chips.First.IsVisibleAsync());
        await Assertions.Expect(boxes.First).ToHaveClassAsync(Searched());
        await Assertions.Expect(page.Locator("#crop-frame .item-box.searched")).ToHaveCountAsync(1);
        await Assertions.Expect(chips.First).ToHaveAttributeAsync("aria-pressed", "true");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, $"items-{width}.png") });
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}").ToList();
        Assert.True(serious.Count == 0, "the view with found garments: " + string.Join("; ", serious));

        // A tap on the other garment searches it: its box and its chip become the searched ones.
        await boxes.Nth(1).ScrollIntoViewIfNeededAsync();
        var other = (await boxes.Nth(1).BoundingBoxAsync())!;
        var tapped = page.WaitForRequestAsync(r => r.Url.Contains("/api/search") && r.Url.Contains("item=1"));
        await page.Mouse.ClickAsync(other.X + (other.Width / 2), other.Y + (other.Height / 2));
        await tapped;
        await Assertions.Expect(chips.Nth(1)).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(boxes.Nth(1)).ToHaveClassAsync(Searched());
        await Assertions.Expect(chips.First).ToHaveAttributeAsync("aria-pressed", "false");

        // A drag that starts inside the searched box moves it, and the moved box is searched as a crop.
        await boxes.Nth(1).ScrollIntoViewIfNeededAsync();
        var photo = (await page.Locator("#preview").BoundingBoxAsync())!;
        var box = (await boxes.Nth(1).BoundingBoxAsync())!;
        var (fromX, fromY) = (box.X + (box.Width / 2), box.Y + (box.Height / 2));
        var dragged = page.WaitForResponseAsync(r => r.Url.Contains("/api/search") && r.Url.Contains("crop="));
        await page.Mouse.MoveAsync(fromX, fromY);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(fromX - (photo.Width * 0.1f), fromY, new MouseMoveOptions { Steps = 5 });
        await page.Mouse.UpAsync();
        var crop = CropOf((await dragged).Url);
        var expectedX = Math.Max(((box.X - photo.X) / photo.Width) - 0.1, 0);
        Assert.True(Math.Abs(crop[0] - expectedX) < 0.02, $"the box moved to x {crop[0]:F3}, expected {expectedX:F3}");
        Assert.True(Math.Abs(crop[2] - (box.Width / photo.Width)) < 0.02, $"the box's width changed to {crop[2]:F3}");
        Assert.True(await page.Locator("#crop-box").IsVisibleAsync());
        Assert.True(await page.Locator("#clear-crop").IsVisibleAsync());
        // The garments found stay on the photo, none of them searched now, to go back to.
        await page.Locator("#search-view[aria-busy='false']").WaitForAsync();
        await Assertions.Expect(page.Locator("#crop-frame .item-box.searched")).ToHaveCountAsync(0);
        await Assertions.Expect(boxes).ToHaveCountAsync(found);
        await Assertions.Expect(chips.First).ToHaveAttributeAsync("aria-pressed", "false");

        // The chips are buttons: the keyboard reaches them and Enter searches that garment.
        await chips.First.FocusAsync();
        var chosen = page.WaitForRequestAsync(r => r.Url.Contains("/api/search") && r.Url.Contains("item=0"));
        await page.Keyboard.PressAsync("Enter");
        await chosen;
        await Assertions.Expect(chips.First).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.False(await page.Locator("#crop-box").IsVisibleAsync(), "a chosen garment replaces the hand-drawn frame");
    }

    private static double[] CropOf(string url)
    {
        var value = Uri.UnescapeDataString(CropParameter().Match(url).Groups[1].Value);
        return [.. value.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
    }

    [GeneratedRegex("crop=([^&]+)")]
    private static partial Regex CropParameter();

    [GeneratedRegex(@"\bsearched\b")]
    private static partial Regex Searched();
}

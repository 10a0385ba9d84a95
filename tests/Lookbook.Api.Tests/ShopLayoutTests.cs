using Lookbook.Testing;
using Microsoft.Playwright;
using SkiaSharp;

namespace Lookbook.Api.Tests;

/// <summary>
/// The search view as a shopper sees it, at desktop (1280×900) and phone (390×844) size: the results where the eye
/// lands, honest states for a bad file and for no good match, and the crop frame by keyboard.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ShopLayoutTests(BrowserFixture browser)
{
    private static string Query(string name) => Path.Combine(RepositoryPaths.Queries, name);

    private async Task<IPage> OpenAsync(int width, int height)
    {
        var page = await browser.NewPageAsync(width, height);
        await page.GotoAsync(browser.BaseUrl + "/");
        await page.Locator("#results .card").First.WaitForAsync(); // the home state has loaded
        return page;
    }

    private static async Task<bool> InViewAsync(IPage page, ILocator element, int height)
    {
        var box = await element.BoundingBoxAsync();
        return box is not null && box.Y >= 0 && box.Y + Math.Min(box.Height, 60) <= height;
    }

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task After_an_upload_the_results_are_on_the_first_screen(int width, int height)
    {
        var page = await OpenAsync(width, height);

        await page.Locator("#file-input").SetInputFilesAsync(Query("coat.png"));
        var first = page.Locator("#results .card .similarity").First;
        await first.WaitForAsync();

        Assert.True(await InViewAsync(page, page.Locator("#results .card").First, height), "the first result is not on the screen");
        Assert.True(await InViewAsync(page, page.Locator("#results-title"), height), "the results title is not on the screen");
        Assert.False(await page.Locator("#for-you").IsVisibleAsync(), "recommendations belong to the home state");
        var photo = (await page.Locator("#preview").BoundingBoxAsync())!;
        var card = (await page.Locator("#results .card").First.BoundingBoxAsync())!;
        if (width > 700)
        {
            Assert.True(photo.X + photo.Width <= card.X, "on a wide screen the photo is beside the results");
        }
        else
        {
            Assert.True(photo.Y + photo.Height <= card.Y, "on a phone the results come right under the photo");
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, $"search-{width}.png") });

        // Another photo: back to the home state, picks included.
        await page.Locator("#new-photo").ClickAsync();
        await page.Locator("#drop-zone").WaitForAsync();
        await page.Locator("#for-you-list .card").First.WaitForAsync();
        Assert.True(await page.Locator("#for-you").IsVisibleAsync());
    }

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task A_file_that_is_not_a_photo_is_explained_at_the_top_without_a_broken_image(int width, int height)
    {
        using var temp = new TempDirectory();
        var notAPhoto = temp.Write("notes.jpg", "my shopping list, not a photo"u8.ToArray());
        var page = await OpenAsync(width, height);

        await page.Locator("#file-input").SetInputFilesAsync(notAPhoto);

        var message = page.Locator("#message");
        await message.WaitForAsync();
        Assert.Contains("isn't a photo we can read", await message.InnerTextAsync());
        Assert.True(await InViewAsync(page, message, height), "the message is below the fold");
        Assert.False(await page.Locator("#preview").IsVisibleAsync(), "no broken 'Your photo' image");
        Assert.True(await page.Locator("#drop-zone").IsVisibleAsync(), "the shopper can choose another file right away");
    }

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task No_good_match_is_a_full_width_message_with_what_to_do_next(int width, int height)
    {
        using var temp = new TempDirectory();
        var lawn = temp.Write("lawn.png", TestImages.Solid(SKColors.Green, 64, 64));
        var page = await OpenAsync(width, height);

        await page.Locator("#file-input").SetInputFilesAsync(lawn);

        var panel = page.Locator("#no-match");
        await panel.WaitForAsync();
        Assert.Equal(0, await page.Locator("#results .card").CountAsync());
        Assert.True(await InViewAsync(page, panel, height));
        var panelBox = (await panel.BoundingBoxAsync())!;
        var column = (await page.Locator("#results-section").BoundingBoxAsync())!;
        Assert.True(panelBox.Width >= column.Width - 2, "the message spans the results column, not one grid cell");
        Assert.True(await page.Locator("#no-match-crop").IsVisibleAsync());
        Assert.True(await page.Locator("#no-match-new").IsVisibleAsync());
        Assert.False(await page.Locator("#prediction").IsVisibleAsync(), "no 'looks like' for a photo that matches nothing");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, $"no-match-{width}.png") });

        await page.Locator("#no-match-new").ClickAsync();
        Assert.True(await page.Locator("#drop-zone").IsVisibleAsync());
        Assert.False(await panel.IsVisibleAsync());
    }

    [Fact]
    public async Task The_crop_frame_works_from_the_keyboard()
    {
        var page = await OpenAsync(1280, 900);
        await page.Locator("#file-input").SetInputFilesAsync(Query("coat.png"));
        await page.Locator("#results .card .similarity").First.WaitForAsync();

        await page.Locator("#crop-frame").FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("Shift+ArrowUp");
        Assert.True(await page.Locator("#crop-box").IsVisibleAsync());
        var cropped = page.WaitForRequestAsync(r => r.Url.Contains("/api/search") && r.Url.Contains("crop="));
        await page.Keyboard.PressAsync("Enter");

        // The middle of the photo (0.2, 0.2, 0.6 × 0.6) moved right by 0.02 and made 0.02 shorter.
        Assert.Contains("crop=0.2200%2C0.2000%2C0.6000%2C0.5800", (await cropped).Url);
        Assert.True(await page.Locator("#clear-crop").IsVisibleAsync());
    }

    [Fact]
    public async Task A_drag_on_the_frame_adjusts_it_its_edge_resizes_and_its_inside_moves()
    {
        var page = await OpenAsync(1280, 900);
        await page.Locator("#file-input").SetInputFilesAsync(Query("coat.png"));
        await page.Locator("#results .card .similarity").First.WaitForAsync();
        var photo = (await page.Locator("#preview").BoundingBoxAsync())!;

        async Task<string> DragAsync(double fromX, double fromY, double toX, double toY)
        {
            var request = page.WaitForRequestAsync(r => r.Url.Contains("/api/search") && r.Url.Contains("crop="));
            await page.Mouse.MoveAsync((float)(photo.X + (fromX * photo.Width)), (float)(photo.Y + (fromY * photo.Height)));
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync((float)(photo.X + (toX * photo.Width)), (float)(photo.Y + (toY * photo.Height)), new() { Steps = 5 });
            await page.Mouse.UpAsync();
            var crop = Uri.UnescapeDataString(new Uri((await request).Url).Query).Split("crop=")[1].Split('&')[0];
            await page.Locator("#results .card .similarity").First.WaitForAsync();
            return string.Join(",", crop.Split(',').Select(v => Math.Round(double.Parse(v, System.Globalization.CultureInfo.InvariantCulture), 1).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)));
        }

        // A new frame, then its right edge pulled out, then the whole frame moved down: each searches what it frames.
        Assert.Equal("0.1,0.1,0.5,0.5", await DragAsync(0.1, 0.1, 0.6, 0.6));
        Assert.Equal("0.1,0.1,0.8,0.5", await DragAsync(0.6, 0.35, 0.9, 0.35));
        Assert.Equal("0.1,0.3,0.8,0.5", await DragAsync(0.4, 0.35, 0.4, 0.55));
        Assert.True(await page.Locator("#crop-box").IsVisibleAsync());
    }
}

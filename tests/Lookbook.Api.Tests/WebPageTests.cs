using Lookbook.Testing;
using Microsoft.Playwright;

namespace Lookbook.Api.Tests;

/// <summary>The shopper's page in a real headless Chromium against a real server.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebPageTests(BrowserFixture browser)
{
    private static string Query(string name) => Path.Combine(RepositoryPaths.Queries, name);

    private async Task<IPage> OpenAsync(string path = "/", int width = 1200)
    {
        var page = await browser.NewPageAsync(width);
        await page.GotoAsync(browser.BaseUrl + path);
        return page;
    }

    private static async Task<IReadOnlyList<string>> CardCategoriesAsync(IPage page, string list = "#results") =>
        await page.Locator($"{list} .card .category").AllInnerTextsAsync();

    [Fact]
    public async Task Uploading_a_photo_shows_similar_products_with_their_similarity()
    {
        var page = await OpenAsync();
        await page.Locator("#file-input").SetInputFilesAsync(Query("sneaker.png"));

        await page.Locator("#results .card .similarity").First.WaitForAsync();
        var categories = await CardCategoriesAsync(page);
        Assert.True(categories.Count(c => c == "Sneaker") > categories.Count / 2, string.Join(", ", categories));
        Assert.Matches(@"^\d+% similar$", await page.Locator("#results .card .similarity").First.InnerTextAsync());
        Assert.Equal("Products like your photo", await page.Locator("#results-title").InnerTextAsync());

        // Every image has alt text; the 28-px catalog images are scaled up crisp, not blurred.
        var images = page.Locator("#results .card img");
        Assert.All(await images.EvaluateAllAsync<string[]>("imgs => imgs.map(i => i.alt)"), alt => Assert.False(string.IsNullOrWhiteSpace(alt)));
        await page.WaitForFunctionAsync("() => document.querySelector('#results .card img').classList.contains('pixelated')");
        Assert.Equal("pixelated", await images.First.EvaluateAsync<string>("i => getComputedStyle(i).imageRendering"));

        Assert.Contains("Sneaker", await page.Locator("#prediction").InnerTextAsync());

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, "results.png"), FullPage = true });
    }

    [Fact]
    public async Task The_page_works_under_its_content_security_policy()
    {
        var page = await browser.NewPageAsync(1200);
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };
        await page.GotoAsync(browser.BaseUrl + "/");
        await page.Locator("#file-input").SetInputFilesAsync(Query("sneaker.png"));
        await page.Locator("#results .card .similarity").First.WaitForAsync();
        await page.Locator("#results .card a").First.ClickAsync();
        await page.Locator("#product-view img").First.WaitForAsync();
        await page.GotoAsync(browser.BaseUrl + "/report");

        Assert.Empty(violations);
    }

    [Fact]
    public async Task The_evaluation_report_renders_with_its_plots()
    {
        var page = await OpenAsync();
        await page.Locator("nav a", new() { HasText = "Evaluation" }).ClickAsync();

        await page.Locator("h1", new() { HasText = "Lookbook evaluation" }).WaitForAsync();
        var plots = page.Locator("img[src^='data:image/png']");
        Assert.Equal(3, await plots.CountAsync());
        Assert.All(await plots.EvaluateAllAsync<int[]>("imgs => imgs.map(i => i.naturalWidth)"), width => Assert.True(width >= 400));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, "report.png"), FullPage = true });
    }

    [Fact]
    public async Task The_category_filter_restricts_the_results()
    {
        var page = await OpenAsync();
        await page.Locator("#file-input").SetInputFilesAsync(Query("sneaker.png"));
        await page.Locator("#results .card .similarity").First.WaitForAsync();

        await page.Locator("#category").SelectOptionAsync("Bag");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#results .card .category')].every(c => c.textContent === 'Bag')");

        var categories = await CardCategoriesAsync(page);
        Assert.NotEmpty(categories);
        Assert.All(categories, c => Assert.Equal("Bag", c));
    }

    [Fact]
    public async Task Opening_a_product_shows_it_with_its_similar_products_at_a_shareable_url()
    {
        var page = await OpenAsync();
        await page.Locator("#file-input").SetInputFilesAsync(Query("dress.png"));
        var first = page.Locator("#results .card a").First;
        await first.Locator(".similarity").WaitForAsync();
        var id = await first.GetAttributeAsync("data-product-id");

        await first.ClickAsync();

        await page.Locator("#similar .card").First.WaitForAsync();
        Assert.EndsWith($"/product/{id}", page.Url);
        Assert.Equal(await page.Locator("#product-title").InnerTextAsync(), (await page.TitleAsync()).Split(" — ")[0]);
        Assert.Equal(12, await page.Locator("#similar .card").CountAsync());

        // The URL works on its own (shared link, reload).
        var shared = await OpenAsync($"/product/{id}");
        await shared.Locator("#similar .card").First.WaitForAsync();
        Assert.False(string.IsNullOrEmpty(await shared.Locator("#product-title").InnerTextAsync()));
        await shared.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, "product.png"), FullPage = true });

        await shared.GoBackAsync();
        await page.Locator("#back").ClickAsync();
        await page.Locator("#search-view").WaitForAsync();
    }

    [Fact]
    public async Task A_bad_file_gets_a_friendly_message()
    {
        using var temp = new TempDirectory();
        var notAPhoto = temp.Write("holiday.jpg", "these are my holiday notes, not a photo"u8.ToArray());
        var page = await OpenAsync();

        await page.Locator("#file-input").SetInputFilesAsync(notAPhoto);

        var message = page.Locator("#message");
        await message.WaitForAsync();
        Assert.Contains("isn't a photo we can read", await message.InnerTextAsync());
        Assert.Equal("alert", await message.GetAttributeAsync("role"));
    }

    [Fact]
    public async Task Dragging_a_rectangle_searches_only_that_part_of_the_photo()
    {
        var page = await OpenAsync();
        await page.Locator("#file-input").SetInputFilesAsync(Query("coat.png"));
        await page.Locator("#results .card .similarity").First.WaitForAsync();
        var box = (await page.Locator("#preview").BoundingBoxAsync())!;

        var cropped = page.WaitForRequestAsync(r => r.Url.Contains("/api/search") && r.Url.Contains("crop="));
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.1f), box.Y + (box.Height * 0.1f));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.6f), box.Y + (box.Height * 0.7f), new MouseMoveOptions { Steps = 5 });
        await page.Mouse.UpAsync();

        var request = await cropped;
        Assert.Matches(@"crop=0\.1\d*%2C0\.1\d*%2C0\.5\d*%2C0\.6\d*", request.Url);
        Assert.True(await page.Locator("#crop-box").IsVisibleAsync());
        Assert.True(await page.Locator("#clear-crop").IsVisibleAsync());
    }

    [Fact]
    public async Task The_drop_zone_is_reachable_by_keyboard()
    {
        var page = await OpenAsync();
        await page.Locator("#for-you-list .card").First.WaitForAsync(); // the page has finished setting up
        await page.Locator("#drop-zone").FocusAsync();
        Assert.Equal("drop-zone", await page.EvaluateAsync<string>("() => document.activeElement.id"));

        // RunAndWait turns Chromium's file-chooser interception on before the key is pressed; a
        // bare WaitForFileChooserAsync raced the key press under CI load and saw no chooser.
        var fileChooser = await page.RunAndWaitForFileChooserAsync(
            () => page.Locator("#drop-zone").PressAsync("Enter"));
        await fileChooser.SetFilesAsync(Query("bag.png"));
        await page.Locator("#results .card .similarity").First.WaitForAsync();
        Assert.Contains("Bag", await CardCategoriesAsync(page));
    }

    [Fact]
    public async Task Liking_products_turns_popular_picks_into_recommendations_for_this_shopper()
    {
        var page = await OpenAsync();
        await page.Locator("#for-you-list .card").First.WaitForAsync();
        Assert.Equal("Popular picks", await page.Locator("#for-you-title").InnerTextAsync());

        var liked = page.Locator("#results .card").First;
        var category = await liked.Locator(".category").InnerTextAsync();
        await liked.Locator("button.like").ClickAsync();

        await page.Locator("#for-you-title", new() { HasTextString = "For you" }).WaitForAsync();
        var reasons = await page.Locator("#for-you-list .card .why").AllInnerTextsAsync();
        Assert.Contains(reasons, r => r == $"like the {category} you liked today");
        Assert.Equal("true", await liked.Locator("button.like").GetAttributeAsync("aria-pressed"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, "for-you.png"), FullPage = true });
    }

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task Like_and_cart_show_their_state_a_second_press_takes_it_back_and_it_survives_a_reload(int width, int height)
    {
        var page = await browser.NewPageAsync(width, height);
        await page.GotoAsync(browser.BaseUrl + "/");
        var card = page.Locator("#for-you-list .card").First;
        await card.WaitForAsync();
        var id = await card.Locator("a").GetAttributeAsync("data-product-id");
        await card.Locator("button.like").ClickAsync();
        await page.Locator("#for-you-title", new() { HasTextString = "For you" }).WaitForAsync();

        // On the product page the like is already shown; "Not for me" replaces it, a second press un-presses it.
        await page.GotoAsync($"{browser.BaseUrl}/product/{Uri.EscapeDataString(id!)}");
        var like = page.Locator("#product-like");
        await Assertions.Expect(like).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(like).ToHaveTextAsync("♥ Liked");
        await page.Locator("#product-dislike").ClickAsync();
        await Assertions.Expect(page.Locator("#product-dislike")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(like).ToHaveAttributeAsync("aria-pressed", "false");
        await page.Locator("#product-dislike").ClickAsync();
        await Assertions.Expect(page.Locator("#product-dislike")).ToHaveAttributeAsync("aria-pressed", "false");

        // Add to cart confirms and shows the product in the cart, after a reload too; pressing again removes it.
        var cart = page.Locator("#product-cart");
        await cart.ClickAsync();
        await Assertions.Expect(page.Locator("#product-said")).ToHaveTextAsync("Added to your cart");
        await Assertions.Expect(cart).ToHaveTextAsync("✓ In cart");
        await page.ReloadAsync();
        await Assertions.Expect(cart).ToHaveAttributeAsync("aria-pressed", "true");
        await cart.ClickAsync();
        await Assertions.Expect(page.Locator("#product-said")).ToHaveTextAsync("Removed from your cart");
        await Assertions.Expect(cart).ToHaveTextAsync("Add to cart");
    }

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task Picks_that_come_only_from_the_preferences_say_so(int width, int height)
    {
        // The popular picks depend on what other tests did: like a bag from its own page instead.
        var page = await browser.NewPageAsync(width, height);
        await page.GotoAsync(browser.BaseUrl + "/");
        await page.Locator("#for-you-list .card").First.WaitForAsync(); // the profile exists
        var bag = await page.EvaluateAsync<string>("async () => (await (await fetch('/api/products?category=Bag&pageSize=1')).json()).items[0].id");
        await page.GotoAsync($"{browser.BaseUrl}/product/{Uri.EscapeDataString(bag)}");
        await page.Locator("#product-like").ClickAsync();
        await Assertions.Expect(page.Locator("#product-like")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Equal(200, await page.EvaluateAsync<int>(
            "async () => (await fetch('/api/me/preferences', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ categories: ['Sneaker'] }) })).status"));

        await page.GotoAsync(browser.BaseUrl + "/");

        var reasons = page.Locator("#for-you-list .card .why");
        await reasons.First.WaitForAsync();
        Assert.All(await page.Locator("#for-you-list .card .category").AllInnerTextsAsync(), c => Assert.Equal("Sneaker", c));
        Assert.All(await reasons.AllInnerTextsAsync(), r => Assert.Equal("from your preferences (Sneaker); nearest to the Bag you liked today", r));
    }

    [Fact]
    public async Task Viewed_products_appear_in_the_history_and_clearing_it_deletes_them()
    {
        var page = await OpenAsync("/product/fmnist-train-00002");
        await page.Locator("#similar .card").First.WaitForAsync();

        await page.Locator("#history-link").ClickAsync();
        await page.Locator("#history-list .card").First.WaitForAsync();
        Assert.Contains("view", await page.Locator("#history-list .card .why").First.InnerTextAsync());
        Assert.EndsWith("/history", page.Url);

        await page.Locator("#clear-history").ClickAsync();
        await page.Locator("#history-status", new() { HasTextString = "Nothing yet" }).WaitForAsync();
        Assert.Equal(0, await page.Locator("#history-list .card").CountAsync());
        var stored = await page.EvaluateAsync<int>("async () => (await (await fetch('/api/me/history')).json()).events.length");
        Assert.Equal(0, stored);
    }

    [Fact]
    public async Task A_long_history_shows_its_newest_page_and_older_events_on_demand()
    {
        var page = await OpenAsync("/product/fmnist-train-00002");
        await page.Locator("#similar .card").First.WaitForAsync();
        // 60 more events from this browser's profile: more than one page (48).
        await page.EvaluateAsync("""
            async () => {
              for (let i = 1; i <= 60; i++) {
                const productId = `fmnist-train-${String(i).padStart(5, "0")}`;
                await fetch("/api/me/events", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ productId, kind: "view" }) });
              }
            }
            """);

        await page.Locator("#history-link").ClickAsync();
        await page.Locator("#history-list .card").First.WaitForAsync();
        Assert.Equal(48, await page.Locator("#history-list .card").CountAsync());
        Assert.Equal("48+ events", await page.Locator("#history-status").InnerTextAsync());

        await page.Locator("#more-history").ClickAsync();
        await page.Locator("#history-status", new() { HasTextString = "61 events" }).WaitForAsync();
        Assert.Equal(61, await page.Locator("#history-list .card").CountAsync());
        Assert.True(await page.Locator("#more-history").IsHiddenAsync());
    }

    [Fact]
    public async Task The_page_fits_a_phone_screen()
    {
        var page = await OpenAsync(width: 390);
        await page.Locator("#results .card").First.WaitForAsync();

        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the page must not scroll sideways at phone width");
        var columns = await page.Locator("#results").EvaluateAsync<int>("g => getComputedStyle(g).gridTemplateColumns.split(' ').length");
        Assert.Equal(2, columns);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, "phone.png") });
    }
}

using Microsoft.Playwright;

namespace Lookbook.Api.Tests;

/// <summary>The API reference (/scalar/v1) in a real Chromium: it must work on a machine with no internet.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiReferencePageTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_reference_loads_everything_from_this_server_and_offers_no_cloud_buttons()
    {
        var page = await browser.NewPageAsync(1280, 900);
        var elsewhere = new List<string>();
        var refused = new List<string>();
        var origin = new Uri(browser.BaseUrl);
        page.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" or "ws" or "wss"
                && !(url.Host == origin.Host && url.Port == origin.Port))
            {
                elsewhere.Add(request.Url);
            }
        };
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                refused.Add(message.Text);
            }
        };

        await page.GotoAsync(browser.BaseUrl + "/scalar/v1", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        // The reference has rendered the document: an operation of ours is on the page.
        await page.GetByText("Find products that look like a photo").First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, "api-reference.png") });

        Assert.True(elsewhere.Count == 0, "requests left this server: " + string.Join(", ", elsewhere.Distinct()));
        Assert.True(refused.Count == 0, "the page's policy refused: " + string.Join(" | ", refused));
        var text = await page.Locator("body").InnerTextAsync();
        foreach (var cloud in new[] { "Deploy", "Generate SDK", "Ask AI", "Developer Tools" })
        {
            Assert.DoesNotContain(cloud, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}

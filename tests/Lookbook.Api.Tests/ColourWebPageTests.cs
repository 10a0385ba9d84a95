using Lookbook.Api.Hosting;
using Lookbook.Testing;
using Microsoft.AspNetCore.Builder;

namespace Lookbook.Api.Tests;

/// <summary>The shopper's page over a catalog with a colour head, in the real headless Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ColourWebPageTests(BrowserFixture browser, ColourCatalogFixture catalog) : IClassFixture<ColourCatalogFixture>
{
    [Fact]
    public async Task The_page_says_which_colour_and_kind_the_photo_shows()
    {
        await using var app = LookbookWebApp.Create(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string?>
        {
            ["Lookbook:Storage:DatabasePath"] = catalog.Database,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await app.StartAsync();
        using var temp = new TempDirectory();
        var photo = temp.Write("black-t-shirt.jpg", ColourCatalog.Photo("Tshirts", "Black", 4244));
        var page = await browser.NewPageAsync();
        await page.GotoAsync(app.Urls.First() + "/");

        await page.Locator("#file-input").SetInputFilesAsync(photo);

        await page.Locator("#results .card .similarity").First.WaitForAsync(); // search results, not the catalog shown before
        Assert.Matches(@"^This looks like Black Tshirts \(\d+% sure of the kind, \d+% of the colour\)$", await page.Locator("#prediction").InnerTextAsync());

        // A card shows what a shop shows: the name, the colour, gender and usage from the catalog's columns.
        var facts = await page.Locator("#results .card .facts").First.InnerTextAsync();
        Assert.Matches(@"^(Black|Red|Blue|Yellow) · (Men|Women) · Casual$", facts);

        // The product page names its attributes as a shopper reads them, without the importer's bookkeeping.
        await page.Locator("#results .card a").First.ClickAsync();
        await page.Locator("#product-attributes tr").First.WaitForAsync();
        var labels = await page.Locator("#product-attributes th").AllInnerTextsAsync();
        Assert.Contains("Colour", labels);
        Assert.Contains("Gender", labels);
        Assert.DoesNotContain("baseColour", labels);
        await app.StopAsync();
    }
}

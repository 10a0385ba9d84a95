using System.Net;
using System.Net.Http.Json;
using Lookbook.Api.Contracts;

namespace Lookbook.Api.Tests;

/// <summary>The garments found on a shopper's photo, through the API: each with its box, and each searchable.</summary>
[Collection(CatalogCollection.Name)]
public sealed class DetectedItemsApiTests(DetectedItemsFixture catalog) : IClassFixture<DetectedItemsFixture>, IDisposable
{
    private readonly LookbookFactory _factory = new(catalog.Database);

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task A_photo_of_two_garments_has_a_box_for_each_and_either_can_be_searched()
    {
        using var client = _factory.CreateClient();

        var whole = await SearchAsync(client, "");
        var items = whole.Items ?? [];
        Assert.True(items.Count >= 2, $"found {items.Count} items on a photo of two");
        Assert.Equal(0, whole.SearchedItem);
        // Side by side: the two best boxes do not overlap much, one is left of the other.
        var (a, b) = (items[0].Box, items[1].Box);
        Assert.True(a.X + a.Width <= b.X + 0.1 || b.X + b.Width <= a.X + 0.1, $"boxes {a} and {b} overlap");

        var second = await SearchAsync(client, "&item=1");
        Assert.Equal(1, second.SearchedItem);
        Assert.NotEqual(whole.Results.Select(r => r.Product.Id).First(), second.Results.Select(r => r.Product.Id).First());

        var missing = await client.PostAsync($"/api/search?item={items.Count}", ApiTestHelpers.Photo(catalog.Outfit, "outfit.jpg", contentType: "image/jpeg"));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    private async Task<SearchResponse> SearchAsync(HttpClient client, string query)
    {
        var response = await client.PostAsync("/api/search?k=5" + query, ApiTestHelpers.Photo(catalog.Outfit, "outfit.jpg", contentType: "image/jpeg"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SearchResponse>(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!;
    }
}

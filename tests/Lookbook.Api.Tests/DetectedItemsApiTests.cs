using System.Net;
using System.Net.Http.Json;
using Lookbook.Api.Contracts;
using Lookbook.Catalog.Storage;
using Lookbook.Search;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;

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

    [Fact]
    public async Task After_an_int8_look_the_item_is_searched_with_its_float32_vector_alone_or_batched()
    {
        using var database = CatalogDatabase.Open(catalog.Database);
        var calibration = catalog.Temp.File("look.int8.json");
        var size = new PreprocessingOptions { InputSize = 224 };
        Int8Calibrator.Calibrate(new EmbeddingOptions { Preprocessing = size }, database.ReadImageSample(16).Select(i => i.Bytes ?? File.ReadAllBytes(i.Path!))).Save(calibration);
        using var looking = new OnnxImageEmbedder(new EmbeddingOptions { Preprocessing = size, CalibrationPath = calibration });
        using var plain = new OnnxImageEmbedder(new EmbeddingOptions { Preprocessing = size, LookPrecision = ModelPrecision.Float32 });
        Assert.True(looking.LooksApart);
        using var catalogs = new SearchableCatalogProvider(database);
        using var search = new PhotoSearch(catalogs, looking);
        var request = new SearchRequest(5, SearchRequest.AnyCategory);

        // A shopper's photo of two garments (the searched one is cropped) and catalog shots (some searched whole).
        var crops = new List<bool>();
        foreach (var photo in database.ReadImageSample(6).Select(i => i.Bytes ?? File.ReadAllBytes(i.Path!)).Prepend(catalog.Outfit))
        {
            var served = search.Search(photo, request);
            var batched = await search.SearchAsync(photo, request);

            // What it should be: the int8 look's plan (from the photo prepared quickly), and what it searches embedded by the float32 model.
            using var bitmap = search.Decode(photo);
            using var quick = looking.Preparer.PrepareForLook(bitmap);
            PhotoSearchResult expected;
            using (var lease = catalogs.Acquire())
            {
                var plan = lease.Catalog.Head!.Locator!.Plan(looking.Look([quick])[0], quick.Frame);
                crops.Add(plan.Crop is not null);
                using var image = plain.Preparer.Prepare(bitmap, plan.Crop);
                expected = search.SearchByVector(plain.Embed([image])[0], request, colourDescriptor: plain.Preparer.DescribeColour(image));
            }

            foreach (var result in new[] { served, batched })
            {
                Assert.Equal(expected.Hits.Select(h => (h.Product.Id, h.Similarity)), result.Hits.Select(h => (h.Product.Id, h.Similarity)));
            }
        }

        Assert.True(crops[0], "the outfit's searched item is cropped");
        Assert.Contains(false, crops); // and a catalog shot is searched whole
    }

    private async Task<SearchResponse> SearchAsync(HttpClient client, string query)
    {
        var response = await client.PostAsync("/api/search?k=5" + query, ApiTestHelpers.Photo(catalog.Outfit, "outfit.jpg", contentType: "image/jpeg"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SearchResponse>(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!;
    }
}

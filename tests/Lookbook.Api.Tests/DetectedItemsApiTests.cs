using System.Net;
using System.Net.Http.Json;
using Lookbook.Api.Contracts;
using Lookbook.Catalog.Storage;
using Lookbook.Learning.Localization;
using Lookbook.Search;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using SkiaSharp;

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

        // A shopper's photo of two garments (looked at in int8, its item cropped), catalog shots as they are (no larger than
        // the model's input: looked at in float32) and enlarged to 448 px (looked at in int8; some searched whole).
        var shots = database.ReadImageSample(6).Select(i => i.Bytes ?? File.ReadAllBytes(i.Path!)).ToList();
        var paths = new List<(bool Apart, bool Cropped)>();
        foreach (var photo in shots.Concat(shots.Select(shot => Enlarged(shot, 448))).Prepend(catalog.Outfit))
        {
            var served = search.Search(photo, request);
            var batched = await search.SearchAsync(photo, request);

            // What it should be: the look's plan, and what it searches embedded by the float32 model.
            using var bitmap = search.Decode(photo);
            var apart = looking.LooksApartAt(bitmap);
            using var looked = apart ? looking.Preparer.PrepareForLook(bitmap) : looking.Preparer.Prepare(bitmap);
            var first = apart ? looking.Look([looked])[0] : looking.EmbedWithMaps([looked])[0];
            PhotoSearchResult expected;
            using (var lease = catalogs.Acquire())
            {
                var plan = lease.Catalog.Head!.Locator!.Plan(first, looked.Frame);
                paths.Add((apart, plan.Crop is not null));
                using var image = plain.Preparer.Prepare(bitmap, plan.Crop);
                var vector = apart || plan.Crop is not null ? plain.Embed([image])[0] : first.Vector;
                expected = search.SearchByVector(vector, request, colourDescriptor: plain.Preparer.DescribeColour(image));
            }

            foreach (var result in new[] { served, batched })
            {
                Assert.Equal(expected.Hits.Select(h => (h.Product.Id, h.Similarity)), result.Hits.Select(h => (h.Product.Id, h.Similarity)));
            }
        }

        Assert.Equal((true, true), paths[0]); // the outfit
        Assert.Contains((false, false), paths); // a catalog shot as it is: one float32 run
        Assert.Contains((true, false), paths); // an enlarged one: the int8 look, then the whole photo in float32
    }

    private static byte[] Enlarged(byte[] image, int size)
    {
        using var bitmap = SKBitmap.Decode(image);
        using var larger = bitmap.Resize(new SKImageInfo(size, size), new SKSamplingOptions(SKFilterMode.Linear));
        using var data = larger.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private async Task<SearchResponse> SearchAsync(HttpClient client, string query)
    {
        var response = await client.PostAsync("/api/search?k=5" + query, ApiTestHelpers.Photo(catalog.Outfit, "outfit.jpg", contentType: "image/jpeg"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SearchResponse>(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!;
    }
}

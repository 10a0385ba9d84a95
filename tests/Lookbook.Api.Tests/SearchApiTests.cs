using System.Net;
using System.Net.Http.Headers;
using Lookbook.Testing;
using SkiaSharp;

namespace Lookbook.Api.Tests;

[Collection(CatalogCollection.Name)]
public sealed class SearchApiTests : IDisposable
{
    private static readonly byte[] Sneaker = File.ReadAllBytes(Path.Combine(RepositoryPaths.Queries, "sneaker.png"));
    private readonly LookbookFactory _factory;
    private readonly HttpClient _client;

    public SearchApiTests(CatalogFixture catalog)
    {
        _factory = new LookbookFactory(catalog.Database, new Dictionary<string, string?>
        {
            ["Lookbook:Api:MaxUploadBytes"] = "200000",
            ["Lookbook:Api:MaxUploadPixels"] = "4000000",
        });
        _client = _factory.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task Concurrent_searches_share_model_runs_and_each_gets_its_own_answer()
    {
        var photos = Directory.GetFiles(RepositoryPaths.Queries, "*.png").Order().ToList();
        async Task<string> TopIds(string path)
        {
            var response = await _client.PostAsync("/api/search?k=5&category=any", ApiTestHelpers.Photo(File.ReadAllBytes(path)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return string.Join(",", (await response.Json()).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("product").GetProperty("id").GetString()));
        }

        var alone = new List<string>();
        foreach (var photo in photos)
        {
            alone.Add(await TopIds(photo));
        }

        // Three rounds of all ten photos at once: batched runs must hand every request its own vector.
        var together = await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => photos).Select(TopIds));

        Assert.Equal(alone.Concat(alone).Concat(alone), together);
        Assert.Equal(10, alone.Distinct().Count());
    }

    [Fact]
    public async Task A_photo_finds_products_of_its_category_best_first()
    {
        var response = await _client.PostAsync("/api/search?k=5", ApiTestHelpers.Photo(Sneaker));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Json();
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(5, results.Count);
        Assert.Equal([1, 2, 3, 4, 5], results.Select(r => r.GetProperty("rank").GetInt32()));
        var similarities = results.Select(r => r.GetProperty("similarity").GetDouble()).ToList();
        Assert.Equal(similarities.OrderDescending(), similarities);
        Assert.True(results.Count(r => r.GetProperty("product").GetProperty("category").GetString() == "Sneaker") >= 3);
        var product = results[0].GetProperty("product");
        Assert.Equal($"/api/products/{product.GetProperty("id").GetString()}/thumbnail", product.GetProperty("thumbnailUrl").GetString());
        Assert.Contains("resnet18", body.GetProperty("model").GetString());
        Assert.Equal("Sneaker", body.GetProperty("prediction").GetProperty("category").GetString());
        Assert.InRange(body.GetProperty("prediction").GetProperty("confidence").GetDouble(), 0.3, 1.0);
        Assert.False(body.GetProperty("noGoodMatch").GetBoolean());
        Assert.False(body.TryGetProperty("colour", out _)); // Fashion-MNIST has no colours to learn
    }

    [Fact]
    public async Task A_photo_unlike_the_catalog_is_answered_with_no_good_match()
    {
        var response = await _client.PostAsync("/api/search", ApiTestHelpers.Photo(TestImages.Solid(SKColors.Green, 64, 64)));

        var body = await response.Json();
        Assert.True(body.GetProperty("noGoodMatch").GetBoolean());
        Assert.Equal(0, body.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task A_raw_image_body_works_too()
    {
        var content = new ByteArrayContent(Sneaker);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");

        var response = await _client.PostAsync("/api/search?k=3", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await response.Json()).GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task Category_and_attribute_filters_restrict_results()
    {
        var response = await _client.PostAsync("/api/search?category=bag&attr=dataset:fashion-mnist", ApiTestHelpers.Photo(Sneaker));

        var results = (await response.Json()).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(10, results.Count);
        Assert.All(results, r => Assert.Equal("Bag", r.GetProperty("product").GetProperty("category").GetString()));

        // An attribute's name matches whatever its case; a value no product has is a problem naming the values there are.
        var anyCase = await _client.PostAsync("/api/search?k=3&attr=DataSet:Fashion-MNIST", ApiTestHelpers.Photo(Sneaker));
        Assert.Equal(3, (await anyCase.Json()).GetProperty("results").GetArrayLength());
        var misspelt = await _client.PostAsync("/api/search?attr=dataset:kaggle", ApiTestHelpers.Photo(Sneaker));
        Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
        var problem = await misspelt.Json();
        Assert.Equal("Unknown attribute filter", problem.GetProperty("title").GetString());
        Assert.Equal("No product has dataset 'kaggle'. Values in this catalog: fashion-mnist.", problem.GetProperty("detail").GetString());
        var unknown = await _client.PostAsync("/api/search?attr=colour:red", ApiTestHelpers.Photo(Sneaker));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.StartsWith("No product has the attribute 'colour'. Attributes in this catalog: ", (await unknown.Json()).GetProperty("detail").GetString());
        var handbag = await _client.PostAsync("/api/search?category=Handbag", ApiTestHelpers.Photo(Sneaker));
        var categoryProblem = await handbag.AssertProblem(400, "Unknown category");
        var detail = categoryProblem.GetProperty("detail").GetString()!;
        Assert.StartsWith("No product has the category 'Handbag'. Categories in this catalog: ", detail);
        Assert.Contains("Bag, ", detail);
    }

    [Fact]
    public async Task A_crop_searches_only_that_part_of_the_photo()
    {
        // Left half a sneaker, right half a bag: cropping picks which one is searched.
        var bag = File.ReadAllBytes(Path.Combine(RepositoryPaths.Queries, "bag.png"));
        using var canvasBitmap = new SKBitmap(56, 28);
        using (var canvas = new SKCanvas(canvasBitmap))
        {
            canvas.DrawBitmap(SKBitmap.Decode(Sneaker), 0, 0);
            canvas.DrawBitmap(SKBitmap.Decode(bag), 28, 0);
        }

        var both = canvasBitmap.Encode(SKEncodedImageFormat.Png, 100).ToArray();

        async Task<string?> TopCategory(string crop)
        {
            var response = await _client.PostAsync($"/api/search?k=1&crop={crop}", ApiTestHelpers.Photo(both));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Json()).GetProperty("results")[0].GetProperty("product").GetProperty("category").GetString();
        }

        Assert.Equal("Sneaker", await TopCategory("0,0,0.5,1"));
        Assert.Equal("Bag", await TopCategory("0.5,0,0.5,1"));
    }

    [Theory]
    [InlineData("k=0", "k")]
    [InlineData("k=500", "k")]
    [InlineData("crop=0.5,0.5,0.9,0.9", "crop")]
    [InlineData("crop=a,b", "crop")]
    [InlineData("attr=colour", "attr")]
    public async Task Bad_parameters_are_a_validation_problem(string query, string field)
    {
        var response = await _client.PostAsync($"/api/search?{query}", ApiTestHelpers.Photo(Sneaker));

        var problem = await response.AssertProblem(400, "Invalid search parameters");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    public static TheoryData<string, byte[], int, string> BadPhotos => new()
    {
        { "text", "just some notes"u8.ToArray(), 400, "Not an image" },
        { "truncated", TestImages.Noise(200, 200, 1)[..4000], 400, "Incomplete image" },
        { "empty", [], 400, "Empty file" },
        { "bomb", TestImages.PngHeaderClaiming(30_000, 30_000), 413, "Image too large" },
        { "over the byte limit", new byte[250_000], 413, "Photo too large" },
    };

    [Theory]
    [MemberData(nameof(BadPhotos))]
    public async Task Bad_photos_get_a_problem_a_person_understands(string kind, byte[] bytes, int status, string title)
    {
        var response = await _client.PostAsync("/api/search", ApiTestHelpers.Photo(bytes, kind + ".jpg"));
        var problem = await response.AssertProblem(status, title);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task An_oversized_chunked_upload_is_refused_while_reading()
    {
        var content = new StreamContent(new MemoryStream(new byte[400_000]));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/search") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await _client.SendAsync(request);

        await response.AssertProblem(413, "Photo too large");
    }

    [Fact]
    public async Task The_wrong_content_type_is_415()
    {
        var response = await _client.PostAsync("/api/search", new StringContent("{\"url\": \"x\"}", System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblem(415, "Unsupported content type");
        Assert.Contains("multipart/form-data", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_form_without_the_image_field_is_400()
    {
        var form = new MultipartFormDataContent { { new StringContent("hello"), "note" } };
        await (await _client.PostAsync("/api/search", form)).AssertProblem(400, "No photo");
    }
}

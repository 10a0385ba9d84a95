using System.Net;
using System.Net.Http.Headers;
using Lookbook.Testing;
using SkiaSharp;

namespace Lookbook.Api.Tests;

[Collection(CatalogCollection.Name)]
public sealed class ProductsApiTests : IDisposable
{
    private readonly LookbookFactory _factory;
    private readonly HttpClient _client;

    public ProductsApiTests(CatalogFixture catalog)
    {
        _factory = new LookbookFactory(catalog.Database);
        _client = _factory.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task Products_are_listed_by_page_with_category_and_text_filters()
    {
        var page2 = await (await _client.GetAsync("/api/products?page=2&pageSize=10")).Json();
        Assert.Equal((2, 10, 301), (page2.GetProperty("page").GetInt32(), page2.GetProperty("items").GetArrayLength(), page2.GetProperty("total").GetInt32()));

        var bags = await (await _client.GetAsync("/api/products?category=BAG&pageSize=200")).Json();
        Assert.All(bags.GetProperty("items").EnumerateArray(), p => Assert.Equal("Bag", p.GetProperty("category").GetString()));
        Assert.Equal(bags.GetProperty("items").GetArrayLength(), bags.GetProperty("total").GetInt32());

        var text = await (await _client.GetAsync("/api/products?q=wool")).Json();
        Assert.Equal(CatalogFixture.PhotoProductId, text.GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("%22")]
    [InlineData("%7B")]
    [InlineData("%2A%2A")]
    public async Task Text_with_no_word_names_q_as_the_problem(string q)
    {
        var response = await _client.GetAsync($"/api/products?q={q}");

        var problem = await response.AssertProblem(400, "Invalid product list parameters");
        Assert.Contains("no word to search for", problem.GetProperty("errors").GetProperty("q")[0].GetString());
    }

    [Fact]
    public async Task Attribute_names_and_provenance_are_not_searched()
    {
        var response = await (await _client.GetAsync("/api/products?q=dataset")).Json();

        Assert.Equal(0, response.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("k=abc", "k", "abc")]
    [InlineData("k=1.5", "k", "1.5")]
    [InlineData("k=10&k=20", "k", "10,20")]
    public async Task A_parameter_that_does_not_bind_is_a_problem_naming_it_and_its_value(string query, string name, string value)
    {
        var response = await _client.GetAsync($"/api/products/fmnist-train-00000/similar?{query}");

        var problem = await response.AssertProblem(400, "Malformed request");
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains($" {name}\"", detail);
        Assert.Contains(value, detail);
    }

    [Fact]
    public async Task A_huge_page_size_or_page_number_is_refused_not_wrapped_around()
    {
        var tooBig = await (await _client.GetAsync("/api/products?pageSize=1e9")).AssertProblem(400, "Malformed request");
        Assert.Contains("pageSize", tooBig.GetProperty("detail").GetString());

        var far = await (await _client.GetAsync("/api/products?page=10737420&pageSize=200")).AssertProblem(400, "Invalid product list parameters");
        Assert.Contains("page 10737420", far.GetProperty("errors").GetProperty("page")[0].GetString());

        var empty = await (await _client.GetAsync("/api/products?page=500000&pageSize=200")).Json();
        Assert.Equal((500000, 0), (empty.GetProperty("page").GetInt32(), empty.GetProperty("items").GetArrayLength()));
    }

    [Theory]
    [InlineData("GET", "/api/search", "POST")]
    [InlineData("POST", "/api/products", "GET")]
    [InlineData("PUT", "/api/products/fmnist-train-00000", "DELETE, GET")]
    public async Task A_known_address_with_the_wrong_method_is_405_with_allow(string method, string path, string allow)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var problem = await response.AssertProblem(405, "Method not allowed");
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        Assert.Contains($"{method} is not allowed", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_body_of_the_wrong_type_is_415_and_an_unknown_address_404()
    {
        // Routing refuses the body before the handler could ask for a profile.
        var wrongType = await _client.PostAsync("/api/me/events", new StringContent("productId=x", System.Text.Encoding.UTF8, "text/plain"));
        var problem = await wrongType.AssertProblem(415, "Unsupported media type");
        Assert.Contains("application/json", problem.GetProperty("detail").GetString());

        await (await _client.GetAsync("/api/no/such/thing")).AssertProblem(404, "Unknown endpoint");
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=1000")]
    public async Task Bad_paging_is_a_validation_problem(string query) =>
        await (await _client.GetAsync($"/api/products?{query}")).AssertProblem(400, "Invalid product list parameters");

    [Fact]
    public async Task A_product_has_its_attributes_and_image_size()
    {
        var product = await (await _client.GetAsync("/api/products/fmnist-train-00000")).Json();

        Assert.Equal("Ankle boot", product.GetProperty("category").GetString());
        Assert.Equal("fashion-mnist", product.GetProperty("attributes").GetProperty("dataset").GetString());
        Assert.Equal((28, 28), (product.GetProperty("imageWidth").GetInt32(), product.GetProperty("imageHeight").GetInt32()));
    }

    [Theory]
    [InlineData("/api/products/no-such-product")]
    [InlineData("/api/products/no-such-product/similar")]
    [InlineData("/api/products/no-such-product/image")]
    [InlineData("/api/products/no-such-product/thumbnail")]
    public async Task Unknown_products_are_404_problems(string url) =>
        await (await _client.GetAsync(url)).AssertProblem(404, "Unknown product");

    [Fact]
    public async Task Similar_products_leave_out_the_product_itself()
    {
        var similar = await (await _client.GetAsync("/api/products/fmnist-train-00001/similar?k=5")).Json();
        var ids = similar.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("product").GetProperty("id").GetString()).ToList();
        Assert.Equal(5, ids.Count);
        Assert.DoesNotContain("fmnist-train-00001", ids);

        await (await _client.GetAsync("/api/products/fmnist-train-00001/similar?k=-1")).AssertProblem(400, "Invalid search parameters");
    }

    [Fact]
    public async Task Images_are_served_with_an_etag_and_revalidate_to_304()
    {
        var response = await _client.GetAsync("/api/products/fmnist-train-00000/image");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("max-age", response.Headers.CacheControl?.ToString());
        var etag = response.Headers.ETag!;
        using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(28, bitmap.Width);

        var again = new HttpRequestMessage(HttpMethod.Get, "/api/products/fmnist-train-00000/image");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task Thumbnails_of_large_photos_are_small_jpegs_and_small_images_stay_as_they_are()
    {
        var response = await _client.GetAsync($"/api/products/{Uri.EscapeDataString(CatalogFixture.PhotoProductId)}/thumbnail");
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        using var thumbnail = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((171, 256), (thumbnail.Width, thumbnail.Height));
        Assert.NotNull(response.Headers.ETag);

        var full = await _client.GetAsync($"/api/products/{Uri.EscapeDataString(CatalogFixture.PhotoProductId)}/image");
        using var original = SKBitmap.Decode(await full.Content.ReadAsByteArrayAsync());
        Assert.Equal((1000, 1500), (original.Width, original.Height));

        var small = await _client.GetAsync("/api/products/fmnist-train-00000/thumbnail");
        Assert.Equal("image/png", small.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Categories_come_with_their_counts()
    {
        var categories = (await (await _client.GetAsync("/api/categories")).Json()).EnumerateArray().ToList();
        Assert.Equal(11, categories.Count); // ten Fashion-MNIST classes and the "coats" folder
        Assert.Equal(301, categories.Sum(c => c.GetProperty("products").GetInt32()));
    }

    [Fact]
    public async Task Health_and_readiness_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live")).StatusCode);
        var ready = await _client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", (await ready.Json()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_openapi_document_and_reference_page_are_served()
    {
        var document = await (await _client.GetAsync("/openapi/v1.json")).Json();
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/search", "/api/products", "/api/products/{id}", "/api/products/{id}/similar", "/api/products/{id}/image", "/api/products/{id}/thumbnail", "/api/categories" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        Assert.True(paths.GetProperty("/api/search").GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
        var reference = await _client.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Contains("scalar", await reference.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/scalar/scalar.js")).StatusCode); // served locally, no CDN
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/product/fmnist-train-00001")]
    public async Task Page_routes_serve_the_web_page(string url)
    {
        var response = await _client.GetAsync(url);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Lookbook", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_evaluation_report_is_served()
    {
        var response = await _client.GetAsync("/report");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Lookbook evaluation", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_api_addresses_are_404_problems() =>
        await (await _client.GetAsync("/api/nothing-here")).AssertProblem(404, "Unknown endpoint");
}

[Collection(CatalogCollection.Name)]
public sealed class CatalogChangeTests(CatalogFixture catalog)
{
    [Fact]
    public async Task Changes_are_disabled_without_a_configured_key()
    {
        using var temp = new TempDirectory();
        await using var factory = new LookbookFactory(catalog.CopyDatabase(temp));
        using var client = factory.CreateClient();

        await (await client.DeleteAsync("/api/products/fmnist-train-00001")).AssertProblem(403, "Changes are disabled");
    }

    [Fact]
    public async Task Deleting_needs_the_key_and_removes_the_product_from_search()
    {
        using var temp = new TempDirectory();
        await using var factory = new LookbookFactory(catalog.CopyDatabase(temp), new Dictionary<string, string?> { ["Lookbook:Api:ApiKey"] = "s3cret" });
        using var client = factory.CreateClient();

        await (await client.DeleteAsync("/api/products/fmnist-train-00001")).AssertProblem(401, "API key required");

        var request = new HttpRequestMessage(HttpMethod.Delete, "/api/products/fmnist-train-00001");
        request.Headers.Add("X-Api-Key", "s3cret");
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(request)).StatusCode);

        await (await client.GetAsync("/api/products/fmnist-train-00001")).AssertProblem(404, "Unknown product");
        var similar = await (await client.GetAsync("/api/products/fmnist-train-00002/similar?k=100")).Json();
        Assert.DoesNotContain(similar.GetProperty("results").EnumerateArray(), r => r.GetProperty("product").GetProperty("id").GetString() == "fmnist-train-00001");
    }

    [Fact]
    public async Task An_empty_catalog_answers_503_to_searches_but_starts()
    {
        using var temp = new TempDirectory();
        await using var factory = new LookbookFactory(temp.File("empty.db"));
        using var client = factory.CreateClient();

        var response = await client.PostAsync("/api/search", ApiTestHelpers.Photo(File.ReadAllBytes(Path.Combine(RepositoryPaths.Queries, "bag.png"))));

        await response.AssertProblem(503, "Catalog is empty");
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lookbook.Api.Hosting;
using Lookbook.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Lookbook.Api.Tests;

/// <summary>
/// The OpenAPI document says what the server does: every status and content type the server answers in the scenarios
/// below (each endpoint's successes and refusals) is declared for that operation, integers are integers, and the
/// security schemes are those the server checks.
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class OpenApiTests : IDisposable
{
    private const string Key = "open-sesame";
    private readonly TempDirectory _temp = new();
    private readonly LookbookFactory _factory;

    public OpenApiTests(CatalogFixture catalog) => _factory = new LookbookFactory(catalog.CopyDatabase(_temp), new Dictionary<string, string?>
    {
        ["Lookbook:Api:ApiKey"] = Key,
        ["Lookbook:Api:SearchesPerMinute"] = "12",
        ["Lookbook:Api:ProfilesPerMinute"] = "4",
        ["Lookbook:Api:EventsPerMinute"] = "6",
        ["Lookbook:Api:MaxUploadBytes"] = "300000",
        ["Lookbook:Api:DecodeQueueSeconds"] = "0",
    });

    public void Dispose()
    {
        _factory.Dispose();
        _temp.Dispose();
    }

    private static byte[] Query(string name) => File.ReadAllBytes(Path.Combine(RepositoryPaths.Queries, name));

    [Fact]
    public async Task Every_answer_the_server_gives_is_declared_for_its_operation()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var document = (await (await client.GetAsync("/openapi/v1.json")).Json()).Clone();
        var seen = new List<(string Operation, int Status)>();
        var undeclared = new List<string>();

        async Task Check(string method, string template, HttpRequestMessage request)
        {
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            seen.Add(($"{method} {template}", status));
            var operation = document.GetProperty("paths").GetProperty(template).GetProperty(method.ToLowerInvariant());
            if (!operation.GetProperty("responses").TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var declared))
            {
                undeclared.Add($"{method} {request.RequestUri}: {status} not declared ({await response.Content.ReadAsStringAsync()})");
                return;
            }

            var type = response.Content.Headers.ContentType?.MediaType;
            if (type is not null && response.Content.Headers.ContentLength != 0
                && !(declared.TryGetProperty("content", out var content) && content.TryGetProperty(type, out _)))
            {
                undeclared.Add($"{method} {request.RequestUri}: {status} as {type}, not a declared content type");
            }

            if (status is 429 or 503 && response.Headers.RetryAfter is not null
                && !(declared.TryGetProperty("headers", out var headers) && headers.TryGetProperty("Retry-After", out _)))
            {
                undeclared.Add($"{method} {request.RequestUri}: {status} sends Retry-After, not declared");
            }
        }

        static HttpRequestMessage Get(string url, Action<HttpRequestMessage>? with = null) => Build(HttpMethod.Get, url, null, with);
        static HttpRequestMessage Build(HttpMethod method, string url, HttpContent? body, Action<HttpRequestMessage>? with = null)
        {
            var request = new HttpRequestMessage(method, url) { Content = body };
            with?.Invoke(request);
            return request;
        }

        static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");
        static void CrossSite(HttpRequestMessage r) => r.Headers.Add("Sec-Fetch-Site", "cross-site");
        static void ApiKey(HttpRequestMessage r) => r.Headers.Add(ApiKeyFilter.HeaderName, Key);

        var profile = await (await client.PostAsync("/api/profile", null)).Json();
        var token = profile.GetProperty("token").GetString()!;
        void Shopper(HttpRequestMessage r) => r.Headers.Add(ShopperIdentity.HeaderName, token);
        const string Product = "fmnist-train-00001";

        // Search by photo.
        const string Search = "/api/search";
        await Check("POST", Search, Build(HttpMethod.Post, "/api/search?k=3", ApiTestHelpers.Photo(Query("sneaker.png"))));
        await Check("POST", Search, Build(HttpMethod.Post, "/api/search?k=3", ApiTestHelpers.Photo(Query("sneaker.png")), Shopper));
        await Check("POST", Search, Build(HttpMethod.Post, "/api/search?k=abc", ApiTestHelpers.Photo(Query("sneaker.png"))));
        await Check("POST", Search, Build(HttpMethod.Post, "/api/search", ApiTestHelpers.Photo(Encoding.UTF8.GetBytes("not an image"))));
        await Check("POST", Search, Build(HttpMethod.Post, "/api/search", new StringContent("hello", Encoding.UTF8, "text/plain")));
        await Check("POST", Search, Build(HttpMethod.Post, "/api/search", ApiTestHelpers.Photo(new byte[400_000])));
        await Check("POST", Search, Build(HttpMethod.Post, "/api/search", ApiTestHelpers.Photo(Query("sneaker.png")), CrossSite));
        var budget = _factory.Services.GetRequiredService<DecodeBudget>();
        using (await budget.AcquireAsync(long.MaxValue / 2, CancellationToken.None))
        {
            await Check("POST", Search, Build(HttpMethod.Post, "/api/search", ApiTestHelpers.Photo(Query("sneaker.png"))));
        }

        // Products.
        await Check("GET", "/api/products", Get("/api/products?pageSize=5"));
        await Check("GET", "/api/products", Get("/api/products?page=0"));
        await Check("GET", "/api/products", Get("/api/products?pageSize=1e9"));
        await Check("GET", "/api/products/{id}", Get($"/api/products/{Product}"));
        await Check("GET", "/api/products/{id}", Get("/api/products/no-such-product"));
        await Check("GET", "/api/products/{id}/similar", Get($"/api/products/{Product}/similar?k=3"));
        await Check("GET", "/api/products/{id}/similar", Get($"/api/products/{Product}/similar?k=1.5"));
        await Check("GET", "/api/products/{id}/similar", Get("/api/products/no-such-product/similar"));
        foreach (var image in new[] { "image", "thumbnail" })
        {
            var template = $"/api/products/{{id}}/{image}";
            using var first = await client.GetAsync($"/api/products/{Product}/{image}");
            var etag = first.Headers.ETag!.Tag;
            await Check("GET", template, Get($"/api/products/{Product}/{image}"));
            await Check("GET", template, Get($"/api/products/{Product}/{image}", r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag))));
            await Check("GET", template, Get($"/api/products/no-such-product/{image}"));
        }

        await Check("DELETE", "/api/products/{id}", Build(HttpMethod.Delete, $"/api/products/{Product}", null));
        await Check("DELETE", "/api/products/{id}", Build(HttpMethod.Delete, $"/api/products/{Product}", null, r => r.Headers.Add(ApiKeyFilter.HeaderName, "wrong")));
        await Check("DELETE", "/api/products/{id}", Build(HttpMethod.Delete, "/api/products/no-such-product", null, ApiKey));
        await Check("DELETE", "/api/products/{id}", Build(HttpMethod.Delete, "/api/products/fmnist-train-00002", null, ApiKey));
        await Check("DELETE", "/api/products/{id}", Build(HttpMethod.Delete, "/api/products/fmnist-train-00003", null, r => { ApiKey(r); CrossSite(r); }));

        // Catalog.
        await Check("GET", "/api/categories", Get("/api/categories"));
        await Check("GET", "/report", Get("/report"));
        await Check("POST", "/api/catalog/reload", Build(HttpMethod.Post, "/api/catalog/reload", null));
        await Check("POST", "/api/catalog/reload", Build(HttpMethod.Post, "/api/catalog/reload", null, ApiKey));

        // The shopper.
        await Check("POST", "/api/profile", Build(HttpMethod.Post, "/api/profile", null, Shopper));
        await Check("POST", "/api/profile", Build(HttpMethod.Post, "/api/profile", null, CrossSite));
        await Check("GET", "/api/me/history", Get("/api/me/history"));
        await Check("GET", "/api/me/history", Get("/api/me/history?limit=2", Shopper));
        await Check("GET", "/api/me/history", Get("/api/me/history?limit=0", Shopper));
        await Check("GET", "/api/me/history", Get("/api/me/history?cursor=forged", Shopper));
        await Check("POST", "/api/me/events", Build(HttpMethod.Post, "/api/me/events", JsonBody($$"""{"productId":"{{Product}}","kind":"like"}"""), Shopper));
        await Check("POST", "/api/me/events", Build(HttpMethod.Post, "/api/me/events", JsonBody($$"""{"productId":"{{Product}}","kind":"like"}""")));
        await Check("POST", "/api/me/events", Build(HttpMethod.Post, "/api/me/events", JsonBody("""{"productId":"no-such-product","kind":"like"}"""), Shopper));
        await Check("POST", "/api/me/events", Build(HttpMethod.Post, "/api/me/events", JsonBody("""{"productId":"""), Shopper));
        await Check("POST", "/api/me/events", Build(HttpMethod.Post, "/api/me/events", new StringContent("like", Encoding.UTF8, "text/plain"), Shopper));
        await Check("GET", "/api/me/preferences", Get("/api/me/preferences", Shopper));
        await Check("GET", "/api/me/preferences", Get("/api/me/preferences"));
        await Check("PUT", "/api/me/preferences", Build(HttpMethod.Put, "/api/me/preferences", JsonBody("""{"categories":["Sneaker"],"attributes":{}}"""), Shopper));
        await Check("PUT", "/api/me/preferences", Build(HttpMethod.Put, "/api/me/preferences", JsonBody("""{"categories":["Handbag"],"attributes":{}}"""), Shopper));
        await Check("PUT", "/api/me/preferences", Build(HttpMethod.Put, "/api/me/preferences", new StringContent("x", Encoding.UTF8, "text/plain"), Shopper));
        await Check("PUT", "/api/me/preferences", Build(HttpMethod.Put, "/api/me/preferences", JsonBody("{}")));
        await Check("GET", "/api/me/recommendations", Get("/api/me/recommendations?k=3", Shopper));
        await Check("GET", "/api/me/recommendations", Get("/api/me/recommendations?k=3"));
        await Check("GET", "/api/me/recommendations", Get("/api/me/recommendations?k=0"));
        await Check("GET", "/api/me/reactions", Get("/api/me/reactions", Shopper));
        await Check("GET", "/api/me/reactions", Get("/api/me/reactions"));
        await Check("DELETE", "/api/me/events", Build(HttpMethod.Delete, $"/api/me/events?productId={Product}&kind=like", null, Shopper));
        await Check("DELETE", "/api/me/events", Build(HttpMethod.Delete, $"/api/me/events?productId={Product}&kind=view", null, Shopper));
        await Check("DELETE", "/api/me/events", Build(HttpMethod.Delete, $"/api/me/events?productId={Product}&kind=like", null));
        await Check("DELETE", "/api/me/history", Build(HttpMethod.Delete, "/api/me/history", null, Shopper));
        await Check("DELETE", "/api/me/history", Build(HttpMethod.Delete, "/api/me/history", null));

        // Past the limits: 429 on each rate-limited operation.
        for (var i = 0; i < 6; i++)
        {
            await Check("POST", "/api/profile", Build(HttpMethod.Post, "/api/profile", null));
            await Check("POST", "/api/me/events", Build(HttpMethod.Post, "/api/me/events", JsonBody($$"""{"productId":"{{Product}}","kind":"view"}"""), Shopper));
        }

        for (var i = 0; i < 12; i++)
        {
            await Check("GET", "/api/products/{id}/similar", Get($"/api/products/{Product}/similar?k=3"));
        }

        await Check("POST", Search, Build(HttpMethod.Post, "/api/search?k=3", ApiTestHelpers.Photo(Query("sneaker.png"))));

        Assert.True(undeclared.Count == 0, string.Join("\n", undeclared));
        // The scenarios reached what they set out to: each of these answers was given at least once.
        foreach (var expected in new[]
        {
            ("POST /api/search", 200), ("POST /api/search", 400), ("POST /api/search", 403), ("POST /api/search", 413), ("POST /api/search", 415),
            ("POST /api/search", 429), ("POST /api/search", 503), ("GET /api/products/{id}/image", 304), ("GET /api/products/{id}/thumbnail", 304),
            ("DELETE /api/products/{id}", 401), ("DELETE /api/products/{id}", 403), ("DELETE /api/products/{id}", 404), ("DELETE /api/products/{id}", 204),
            ("POST /api/catalog/reload", 401), ("POST /api/catalog/reload", 204), ("POST /api/profile", 200), ("POST /api/profile", 429),
            ("GET /api/me/history", 401), ("DELETE /api/me/events", 204), ("DELETE /api/me/events", 400), ("GET /api/me/reactions", 200), ("POST /api/me/events", 404), ("POST /api/me/events", 415), ("POST /api/me/events", 429),
            ("PUT /api/me/preferences", 400), ("PUT /api/me/preferences", 415), ("GET /api/products/{id}/similar", 429),
        })
        {
            Assert.Contains(expected, seen);
        }
    }

    [Fact]
    public async Task Without_an_api_key_configured_changes_are_refused_as_documented()
    {
        using var factory = new LookbookFactory(_factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Lookbook.Catalog.Storage.StorageOptions>>().Value.DatabasePath);
        using var client = factory.CreateClient();
        var document = await (await client.GetAsync("/openapi/v1.json")).Json();
        var refused = await client.DeleteAsync("/api/products/fmnist-train-00001");
        await refused.AssertProblem(403, "Changes are disabled");
        Assert.True(document.GetProperty("paths").GetProperty("/api/products/{id}").GetProperty("delete").GetProperty("responses").TryGetProperty("403", out _));
    }

    [Fact]
    public async Task Integers_are_integers_security_schemes_are_declared_and_every_reference_resolves()
    {
        using var client = _factory.CreateClient();
        var text = await client.GetStringAsync("/openapi/v1.json");
        var document = JsonDocument.Parse(text).RootElement;
        var paths = document.GetProperty("paths");

        foreach (var (path, method, name) in new[]
        {
            ("/api/search", "post", "k"), ("/api/search", "post", "item"), ("/api/products", "get", "page"), ("/api/products", "get", "pageSize"),
            ("/api/products/{id}/similar", "get", "k"), ("/api/me/history", "get", "limit"), ("/api/me/recommendations", "get", "k"),
        })
        {
            var parameter = paths.GetProperty(path).GetProperty(method).GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);
            Assert.Equal("integer", parameter.GetProperty("schema").GetProperty("type").GetString());
        }

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty(OpenApiDocumentation.ApiKeyScheme).GetProperty("name").GetString());
        Assert.Equal("X-Shopper-Token", schemes.GetProperty(OpenApiDocumentation.ShopperTokenScheme).GetProperty("name").GetString());
        Assert.Equal("cookie", schemes.GetProperty(OpenApiDocumentation.ShopperCookieScheme).GetProperty("in").GetString());

        static IEnumerable<string> SchemesOf(JsonElement operation) =>
            operation.TryGetProperty("security", out var security) ? security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)) : [];
        Assert.Equal([OpenApiDocumentation.ApiKeyScheme], SchemesOf(paths.GetProperty("/api/products/{id}").GetProperty("delete")));
        Assert.Equal([OpenApiDocumentation.ApiKeyScheme], SchemesOf(paths.GetProperty("/api/catalog/reload").GetProperty("post")));
        Assert.Contains(OpenApiDocumentation.ShopperTokenScheme, SchemesOf(paths.GetProperty("/api/me/history").GetProperty("get")));
        Assert.Contains(OpenApiDocumentation.ShopperTokenScheme, SchemesOf(paths.GetProperty("/api/search").GetProperty("post")));

        foreach (var type in new[] { "image/jpeg", "image/png" })
        {
            var content = paths.GetProperty("/api/products/{id}/thumbnail").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
            Assert.Equal("binary", content.GetProperty(type).GetProperty("schema").GetProperty("format").GetString());
        }

        Assert.True(paths.GetProperty("/api/search").GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("image/*", out _));

        // Every "$ref": "#/components/..." names something the document has.
        foreach (System.Text.RegularExpressions.Match reference in System.Text.RegularExpressions.Regex.Matches(text, "\"\\$ref\"\\s*:\\s*\"#/components/(\\w+)/([^\"]+)\""))
        {
            Assert.True(document.GetProperty("components").GetProperty(reference.Groups[1].Value).TryGetProperty(reference.Groups[2].Value, out _), reference.Value);
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using Lookbook.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Lookbook.Api.Tests;

/// <summary>Abuse limits: profiles and searches per client, events per shopper; 429 with Retry-After over them.</summary>
[Collection(CatalogCollection.Name)]
public sealed class RateLimitTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly LookbookFactory _factory;

    public RateLimitTests(CatalogFixture catalog) => _factory = new LookbookFactory(catalog.CopyDatabase(_temp), new Dictionary<string, string?>
    {
        ["Lookbook:Api:ProfilesPerMinute"] = "2",
        ["Lookbook:Api:EventsPerMinute"] = "3",
        ["Lookbook:Api:SearchesPerMinute"] = "2",
    });

    public void Dispose()
    {
        _factory.Dispose();
        _temp.Dispose();
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        await response.AssertProblem(429, "Too many requests");
        var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
    }

    [Fact]
    public async Task A_client_creating_profiles_past_the_limit_gets_429_with_retry_after()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/profile", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/profile", null)).StatusCode);
        await AssertTooManyAsync(await client.PostAsync("/api/profile", null));
    }

    [Fact]
    public async Task Events_are_limited_per_shopper_not_for_everyone()
    {
        using var first = _factory.CreateClient();
        using var second = _factory.CreateClient();
        await first.PostAsync("/api/profile", null);
        await second.PostAsync("/api/profile", null);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await first.PostAsJsonAsync("/api/me/events", new { productId = "fmnist-train-00000", kind = "view" })).StatusCode);
        }

        await AssertTooManyAsync(await first.PostAsJsonAsync("/api/me/events", new { productId = "fmnist-train-00000", kind = "view" }));
        Assert.Equal(HttpStatusCode.Created, (await second.PostAsJsonAsync("/api/me/events", new { productId = "fmnist-train-00000", kind = "like" })).StatusCode);
    }

    [Fact]
    public async Task Searches_past_the_limit_get_429_and_other_endpoints_are_not_limited()
    {
        using var client = _factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/products/fmnist-train-00000/similar?k=3")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/products/fmnist-train-00000/similar?k=3")).StatusCode);
        await AssertTooManyAsync(await client.GetAsync("/api/products/fmnist-train-00000/similar?k=3"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/products?pageSize=1")).StatusCode);
    }
}

using System.Net;
using Lookbook.Testing;

namespace Lookbook.Api.Tests;

/// <summary>Security headers on every response, and requests from other sites refused before they change anything.</summary>
[Collection(CatalogCollection.Name)]
public sealed class SecurityTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly LookbookFactory _factory;

    public SecurityTests(CatalogFixture catalog) => _factory = new LookbookFactory(catalog.CopyDatabase(_temp));

    public void Dispose()
    {
        _factory.Dispose();
        _temp.Dispose();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/product/fmnist-train-00000")]
    [InlineData("/api/products?pageSize=1")]
    [InlineData("/api/no-such-endpoint")]
    [InlineData("/api/products/no-such-product/image")]
    public async Task Every_response_carries_the_security_headers_and_the_page_allows_no_inline_script(string path)
    {
        using var client = _factory.CreateClient();
        var response = await client.GetAsync(path);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Origin", "null")]
    public async Task A_form_on_another_site_cannot_create_a_profile_or_replace_the_shoppers_cookie(string header, string value)
    {
        using var client = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        var own = await (await client.PostAsync("/api/profile", null)).Json();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/profile");
        request.Headers.Add(header, value);
        var response = await client.SendAsync(request);

        var problem = await response.AssertProblem(403, "Cross-site request refused");
        Assert.Contains("another site", problem.GetProperty("detail").GetString());
        Assert.False(response.Headers.Contains("Set-Cookie"));
        var history = await (await client.GetAsync("/api/me/history")).Json();
        Assert.Equal(own.GetProperty("userId").GetString(), history.GetProperty("userId").GetString());
    }

    [Fact]
    public async Task The_own_page_and_api_clients_are_let_through()
    {
        using var client = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        using var sameOrigin = new HttpRequestMessage(HttpMethod.Post, "/api/profile");
        sameOrigin.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var ownOrigin = new HttpRequestMessage(HttpMethod.Post, "/api/profile");
        ownOrigin.Headers.Add("Origin", client.BaseAddress!.GetLeftPart(UriPartial.Authority));

        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(sameOrigin)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(ownOrigin)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/profile", null)).StatusCode);
    }

    [Fact]
    public async Task A_shopper_who_has_a_profile_gets_it_back_instead_of_a_new_one()
    {
        using var client = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        var first = await (await client.PostAsync("/api/profile", null)).Json();

        var again = await client.PostAsync("/api/profile", null);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first.GetProperty("userId").GetString(), (await again.Json()).GetProperty("userId").GetString());
    }

    [Fact]
    public async Task The_evaluation_report_may_use_inline_styles_but_no_script()
    {
        using var client = _factory.CreateClient();
        var response = await client.GetAsync("/report");

        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy);
        Assert.DoesNotContain("script-src", policy);
    }
}

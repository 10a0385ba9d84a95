using System.Net;
using Lookbook.Testing;

namespace Lookbook.Api.Tests;

/// <summary>Addresses people open answer pages, not JSON: unknown pages, the report before any evaluation, the favicon.</summary>
[Collection(CatalogCollection.Name)]
public sealed class HtmlPagesTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly LookbookFactory _factory;
    private readonly HttpClient _client;

    public HtmlPagesTests(CatalogFixture catalog)
    {
        // A copy of the catalog without its evaluation report.
        _factory = new LookbookFactory(catalog.CopyDatabase(_temp));
        _client = _factory.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
        _temp.Dispose();
    }

    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/shop/women/dresses")]
    public async Task An_unknown_page_is_an_html_not_found_page(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Page not found", html);
        Assert.Contains($"There is no page at {path}.", html);
        Assert.Contains("href=\"/\"", html);
    }

    [Fact]
    public async Task A_page_address_echoed_back_is_encoded()
    {
        var response = await _client.GetAsync("/%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound && html.Contains("Page not found", StringComparison.Ordinal), $"{response.StatusCode} {response.Content.Headers.ContentType}: {html}");
        Assert.DoesNotContain("<script>alert(1)", html);
        Assert.Contains("alert(1)", html, StringComparison.Ordinal); // shown, as text
    }

    [Fact]
    public async Task The_report_before_any_evaluation_is_a_page_saying_what_to_run()
    {
        var response = await _client.GetAsync("/report");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("lookbook evaluate", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_favicon_is_an_icon()
    {
        var response = await _client.GetAsync("/favicon.ico");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, bytes[..4]); // ICO header: reserved 0, type 1 (icon)
    }

    [Fact]
    public async Task An_unknown_products_page_loads_with_status_404_and_the_api_keeps_problem_json()
    {
        var page = await _client.GetAsync("/product/no-such-product");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("<title>Lookbook", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/product/fmnist-train-00001")).StatusCode);

        await (await _client.GetAsync("/api/nothing-here")).AssertProblem(404, "Unknown endpoint");
    }
}

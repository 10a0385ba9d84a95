using System.Net;
using Lookbook.Testing;

namespace Lookbook.Api.Tests;

/// <summary>OpenTelemetry metrics on a Prometheus scrape endpoint, when configured; readiness that says what is served.</summary>
[Collection(CatalogCollection.Name)]
public sealed class TelemetryTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly CatalogFixture _catalog;

    public TelemetryTests(CatalogFixture catalog) => _catalog = catalog;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task After_a_search_the_scrape_endpoint_has_the_stage_histogram_batch_sizes_requests_and_catalog_size()
    {
        using var factory = new LookbookFactory(_catalog.CopyDatabase(_temp), new Dictionary<string, string?> { ["Lookbook:Telemetry:Prometheus"] = "true" });
        using var client = factory.CreateClient();
        var photo = File.ReadAllBytes(Path.Combine(RepositoryPaths.Queries, "dress.png"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/search?k=5", ApiTestHelpers.Photo(photo))).StatusCode);

        // The host records a request's duration when the request ends, which can be just after its client has read
        // the answer: scrape until the search is counted (a busy CI machine has shown the gap).
        var searchCounted = new System.Text.RegularExpressions.Regex("http_server_request_duration_seconds_count\\{[^}]*http_route=\"/api/search\"");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        while (!searchCounted.IsMatch(text) && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
            response = await client.GetAsync("/metrics");
            text = await response.Content.ReadAsStringAsync();
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // At least this search: Lookbook's meter is process-wide, so searches of servers other tests run at the same
        // time are counted too. So is ASP.NET Core's request histogram: OpenTelemetry listens to its meter by name, which
        // catches every host in the process (a CI run counted two searches once).
        foreach (var stage in new[] { "decode", "embed", "rank" })
        {
            Assert.Matches($"lookbook_photo_search_stage_duration_seconds_count\\{{[^}}]*stage=\"{stage}\"[^}}]*\\}} [1-9]", text);
        }

        Assert.Contains("lookbook_photo_search_stage_duration_seconds_bucket{", text);
        Assert.Matches("lookbook_embedding_batch_size_count\\{[^}]*\\} [1-9]", text);
        Assert.Matches("http_server_request_duration_seconds_count\\{[^}]*http_route=\"/api/search\"[^}]*\\} [1-9]", text);
        Assert.Matches("lookbook_catalog_products\\{[^}]*\\} [1-9][0-9]*", text);
    }

    [Fact]
    public async Task Without_configuration_there_is_no_scrape_endpoint()
    {
        using var factory = new LookbookFactory(_catalog.CopyDatabase(_temp));
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/metrics");

        Assert.NotEqual("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("lookbook_", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readiness_reports_the_products_and_the_index_being_served()
    {
        using var factory = new LookbookFactory(_catalog.CopyDatabase(_temp));
        using var client = factory.CreateClient();

        var ready = await (await client.GetAsync("/health/ready")).Json();

        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        var data = ready.GetProperty("checks").GetProperty("catalog").GetProperty("data");
        Assert.True(data.GetProperty("products").GetInt32() > 0);
        Assert.Equal("exact", data.GetProperty("index").GetString());
    }
}

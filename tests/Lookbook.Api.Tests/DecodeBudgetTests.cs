using System.Net;
using Lookbook.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Lookbook.Api.Tests;

/// <summary>
/// The pixel budget shared by all photo searches: 40-megapixel PNG bombs (a few KB each) sent at once wait for room,
/// and past the wait are told to come back (503, Retry-After) — never another 5xx, and the server keeps answering.
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class DecodeBudgetTests : IDisposable
{
    private static readonly Lazy<byte[]> Bomb = new(() => TestImages.Grey(128, 6300, 6300));
    private readonly TempDirectory _temp = new();
    private readonly CatalogFixture _catalog;

    public DecodeBudgetTests(CatalogFixture catalog) => _catalog = catalog;

    public void Dispose() => _temp.Dispose();

    private LookbookFactory Server(double queueSeconds) => new(_catalog.CopyDatabase(_temp), new Dictionary<string, string?>
    {
        // Room for one bomb at a time (one that costs more than the whole budget takes all of it).
        ["Lookbook:Api:DecodeBudgetPixels"] = "1000000",
        ["Lookbook:Api:DecodeQueueSeconds"] = queueSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private static async Task<List<HttpResponseMessage>> SendAtOnceAsync(HttpClient client, int count) =>
        [.. await Task.WhenAll(Enumerable.Range(0, count).Select(_ => client.PostAsync("/api/search?k=3", ApiTestHelpers.Photo(Bomb.Value))))];

    [Fact]
    public async Task A_bomb_finding_the_budget_spent_gets_503_with_retry_after_and_the_server_goes_on()
    {
        using var factory = Server(queueSeconds: 0);
        using var client = factory.CreateClient();
        var budget = factory.Services.GetRequiredService<Lookbook.Api.Hosting.DecodeBudget>();

        // Another decode holds the whole budget (taken here, so the test does not depend on two requests overlapping).
        using (var held = await budget.AcquireAsync(long.MaxValue / 2, CancellationToken.None))
        {
            Assert.NotNull(held);
            var busy = await client.PostAsync("/api/search?k=3", ApiTestHelpers.Photo(Bomb.Value));
            await busy.AssertProblem(503, "Server busy");
            Assert.Equal("1", busy.Headers.GetValues("Retry-After").Single());
        }

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/search?k=3", ApiTestHelpers.Photo(Bomb.Value))).StatusCode);
        var after = await client.PostAsync("/api/search?k=3", ApiTestHelpers.Photo(File.ReadAllBytes(Path.Combine(RepositoryPaths.Queries, "dress.png"))));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Bombs_within_the_wait_take_turns_and_all_succeed()
    {
        using var factory = Server(queueSeconds: 60);
        using var client = factory.CreateClient();

        var responses = await SendAtOnceAsync(client, 4);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Index;
using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Xunit.Abstractions;

namespace Lookbook.Cli.Tests;

/// <summary>
/// The cluster as a shop runs it, all real processes on loopback: PostgreSQL, Redis, one to three <c>lookbook silo</c>
/// and a <c>lookbook serve --cluster</c> front end answering photo searches over HTTP, on the Fashion-MNIST sample. With
/// 1, 2 and 3 silos every query's top 10 is the single-node exact top 10; kill -9 of a silo under a query load: no
/// search fails, partial answers say which shards were missing, and the answers return to the single node's.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class ClusterFrontEndProcessTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan StartTimeout = LocalCluster.StartTimeout;
    private readonly LocalCluster _cluster = new(new Dictionary<string, string>
    {
        ["ClusterId"] = "front-test", ["Shards"] = "6", ["ShardTimeout"] = "00:00:02", ["ProbeTimeout"] = "00:00:01",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    // xUnit calls this after DisposeAsync.
    public void Dispose() => _cluster.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task With_one_or_two_silos_the_front_end_answers_every_sample_query_like_one_node(int silos)
    {
        var (photos, expected) = await SeedAsync();
        for (var s = 0; s < silos; s++)
        {
            await _cluster.StartSiloAsync($"silo{s}");
        }

        using var http = await StartFrontEndAsync();
        await AssertSameAnswersAsync(http, photos, expected);
    }

    [Fact]
    public async Task With_three_silos_searches_through_the_front_end_survive_a_kill_and_return_to_the_single_node_answers()
    {
        var (photos, expected) = await SeedAsync();
        var silos = new List<LookbookProcess>();
        for (var s = 0; s < 3; s++)
        {
            silos.Add(await _cluster.StartSiloAsync($"silo{s}"));
        }

        using var http = await StartFrontEndAsync();
        await AssertSameAnswersAsync(http, photos, expected);

        // kill -9 one silo under a query load through the front end.
        silos[1].KillHard();
        var killed = Stopwatch.StartNew();
        int exact = 0, partial = 0, failed = 0, inARow = 0;
        TimeSpan? recovered = null;
        for (var q = 0; killed.Elapsed < TimeSpan.FromSeconds(120) && recovered is null; q++)
        {
            var i = q % photos.Count;
            var (ids, missing, status) = await SearchAsync(http, photos[i]);
            if (status != 200)
            {
                failed++;
                inARow = 0;
            }
            else if (missing > 0)
            {
                partial++;
                inARow = 0;
            }
            else
            {
                var same = ids.SequenceEqual(expected[i]);
                exact += same ? 1 : 0;
                inARow = same ? inARow + 1 : 0;
                recovered = inARow == 20 ? killed.Elapsed : null;
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"kill -9 of one of 3 silos behind the front end: {exact} exact, {partial} partial, {failed} failed searches; whole and exact again after {recovered?.TotalSeconds:F1} s"));
        Assert.True(recovered is not null, $"answers were not exact again within 120 s: {exact} exact, {partial} partial, {failed} failed");
        Assert.Equal(0, failed);
    }

    /// <summary>
    /// The Fashion-MNIST sample's first 600 products in PostgreSQL, and the queries — the ten shipped photos and twenty
    /// official test images — with what one node answers for each (the exact top 10 by the same model).
    /// </summary>
    private async Task<(List<byte[]> Photos, List<string[]> Expected)> SeedAsync()
    {
        var photos = Directory.GetFiles(RepositoryPaths.Queries, "*.png").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)
            .Concat(new FashionMnistSource(RepositoryPaths.SampleCatalog, "test", 20).ReadEntries().Select(e => e.Item!.ImageBytes!))
            .ToList();
        var expected = new List<string[]>();
        using var embedder = new OnnxImageEmbedder(new EmbeddingOptions { Preprocessing = new Lookbook.Vision.Images.PreprocessingOptions { InputSize = 64 } });
        using var catalog = CatalogDatabase.OpenPostgres(_cluster.Connection, _cluster.Temp.File("seed/catalog"));
        await new CatalogImporter(catalog, embedder).ImportAsync(new FashionMnistSource(RepositoryPaths.SampleCatalog, "train", 600), new ImportOptions());
        using var single = new ExactVectorIndex(embedder.Profile.Dimension);
        foreach (var stored in catalog.ReadVectors())
        {
            single.Upsert(stored.ProductId, stored.Vector);
        }

        foreach (var photo in photos)
        {
            using var prepared = embedder.Preparer.Prepare(photo);
            expected.Add([.. single.Search(embedder.Embed([prepared])[0], 10).Select(h => h.Key)]);
        }

        return (photos, expected);
    }

    private async Task<HttpClient> StartFrontEndAsync()
    {
        var port = Loopback.FreePort();
        await _cluster.StartReadyAsync("front", "front end is running", "serve", "--cluster", "--urls", $"http://127.0.0.1:{port}");
        return new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Once every shard answers, each query's top 10 through the front end is the single node's.</summary>
    private static async Task AssertSameAnswersAsync(HttpClient http, List<byte[]> photos, List<string[]> expected)
    {
        var waited = Stopwatch.StartNew();
        while ((await SearchAsync(http, photos[0])).Missing > 0)
        {
            Assert.True(waited.Elapsed < StartTimeout, "the shards did not all answer in time");
        }

        for (var q = 0; q < photos.Count; q++)
        {
            var (ids, missing, status) = await SearchAsync(http, photos[q]);
            Assert.Equal(200, status);
            Assert.Equal(0, missing);
            Assert.Equal(expected[q], ids);
        }
    }

    private static async Task<(string[] Ids, int Missing, int Status)> SearchAsync(HttpClient http, byte[] photo)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(photo), "image", "photo.png" } };
        try
        {
            var response = await http.PostAsync("/api/search?k=10", form);
            if (!response.IsSuccessStatusCode)
            {
                return ([], 0, (int)response.StatusCode);
            }

            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var ids = body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("product").GetProperty("id").GetString()!).ToArray();
            return (ids, body.TryGetProperty("missingShards", out var missing) ? missing.GetArrayLength() : 0, 200);
        }
        catch (HttpRequestException)
        {
            return ([], 0, 0);
        }
    }
}

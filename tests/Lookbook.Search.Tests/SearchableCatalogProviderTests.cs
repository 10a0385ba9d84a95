using System.Diagnostics;
using Lookbook.Catalog.Storage;
using Lookbook.Index;
using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Microsoft.Extensions.Options;

namespace Lookbook.Search.Tests;

/// <summary>
/// The provider over a real SQLite catalog with synthetic vectors (no model needed): catch-up in place, rebuilds,
/// the atomic swap and the disposal of a replaced catalog.
/// </summary>
public sealed class SearchableCatalogProviderTests : IDisposable
{
    private const int Dimension = 32;
    private static readonly EmbeddingProfile Profile = new("test.onnx", "000000000000", [], 64, "input=64", ModelPrecision.Float32, null, null, Dimension);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private CatalogDatabase NewCatalog(int products, int seed = 1)
    {
        var database = CatalogDatabase.Open(_temp.File($"catalog-{Guid.NewGuid():N}.db"));
        database.EnsureEmbeddingProfile(Profile);
        Add(database, 0, products, seed);
        return database;
    }

    private static void Add(CatalogDatabase database, int from, int count, int seed = 1)
    {
        var random = new Random(seed + from);
        foreach (var chunk in Enumerable.Range(from, count).Chunk(2000))
        {
            database.SaveProducts([.. chunk.Select(i => (Product($"p{i}", i % 3 == 0 ? "Bag" : "Dress"), (float[]?)RandomUnit(random)))]);
        }
    }

    private static ProductRecord Product(string id, string category) =>
        new(id, "test", $"Product {id}", category, new Dictionary<string, string>(), "m", "h-" + id, null, [1], "PNG", 1, 1);

    private static float[] RandomUnit(Random random)
    {
        var vector = new float[Dimension];
        for (var i = 0; i < Dimension; i++)
        {
            vector[i] = (float)(random.NextDouble() - 0.5);
        }

        VectorMath.NormalizeInPlace(vector);
        return vector;
    }

    [Fact]
    public void New_and_deleted_products_are_caught_up_in_place_without_a_rebuild()
    {
        var database = NewCatalog(100);
        using var catalogs = new SearchableCatalogProvider(database);
        IVectorIndex before;
        using (var lease = catalogs.Acquire())
        {
            before = lease.Catalog.Index;
            Assert.Equal(100, lease.Catalog.Count);
        }

        Add(database, 100, 20);
        database.DeleteProducts(["p5"]);
        Assert.Equal(CatalogRefresh.CaughtUp, catalogs.Refresh());

        using var after = catalogs.Acquire();
        Assert.Same(before, after.Catalog.Index);
        Assert.Equal(119, after.Catalog.Count);
        Assert.Null(after.Catalog.Find("p5"));
        var newcomer = database.GetVector("p110")!;
        Assert.Equal("p110", after.Catalog.Search(newcomer, new SearchRequest(1)).Single().Product.Id);
        Assert.Equal((false, 20, 1), (catalogs.LastUpdate!.Rebuilt, catalogs.LastUpdate.Added, catalogs.LastUpdate.Removed));
        Assert.Equal(CatalogRefresh.Unchanged, catalogs.Refresh());
    }

    [Fact]
    public void Renamed_products_show_their_new_title_after_a_refresh()
    {
        var database = NewCatalog(10);
        using var catalogs = new SearchableCatalogProvider(database);
        catalogs.Acquire().Dispose();

        database.UpdateMetadata([new ProductMetadata("p1", "test", "Renamed", "Dress", new Dictionary<string, string>(), "m2")]);

        Assert.Equal(CatalogRefresh.CaughtUp, catalogs.Refresh());
        using var lease = catalogs.Acquire();
        Assert.Equal("Renamed", lease.Catalog.Find("p1")!.Title);
    }

    [Fact]
    public void Another_model_rebuilds_and_an_emptied_store_empties_the_catalog()
    {
        var database = NewCatalog(30);
        using var catalogs = new SearchableCatalogProvider(database);
        catalogs.Acquire().Dispose();

        var wider = Profile with { InputSize = 96, Preprocessing = "input=96" };
        database.ResetEmbeddings(wider);
        database.SaveVectors([("p1", RandomUnit(new Random(7)))]);
        Assert.Equal(CatalogRefresh.Rebuilt, catalogs.Refresh());
        using (var lease = catalogs.Acquire())
        {
            Assert.Equal(wider.Fingerprint, lease.Catalog.Profile!.Fingerprint);
            Assert.Equal(1, lease.Catalog.Count);
        }

        database.DeleteProducts([.. Enumerable.Range(0, 30).Select(i => $"p{i}")]);
        Assert.Equal(CatalogRefresh.Emptied, catalogs.Refresh());
        Assert.Throws<CatalogEmptyException>(catalogs.Acquire);
    }

    [Fact]
    public void A_replaced_catalog_stays_usable_until_its_last_lease_ends_and_is_then_disposed()
    {
        var database = NewCatalog(200);
        using var catalogs = new SearchableCatalogProvider(database, Options.Create(new IndexOptions { Kind = IndexKind.Approximate }));
        var held = catalogs.Acquire();
        var query = database.GetVector("p3")!;

        Assert.Equal(CatalogRefresh.Rebuilt, catalogs.Refresh(rebuild: true));

        Assert.Equal("p3", held.Catalog.Search(query, new SearchRequest(1)).Single().Product.Id); // the old graph still answers
        var old = held.Catalog;
        held.Dispose();
        Assert.ThrowsAny<ObjectDisposedException>(() => old.Search(query, new SearchRequest(1))); // its native graph is freed
        using var current = catalogs.Acquire();
        Assert.NotSame(old, current.Catalog);
        Assert.Equal("p3", current.Catalog.Search(query, new SearchRequest(1)).Single().Product.Id);
    }

    [Fact]
    public async Task Searches_are_never_blocked_by_a_rebuild()
    {
        // Large enough that a rebuild of the HNSW graph takes about a tenth of a second or more on two cores.
        var database = NewCatalog(30_000);
        using var catalogs = new SearchableCatalogProvider(database, Options.Create(new IndexOptions { Kind = IndexKind.Approximate }));
        var query = database.GetVector("p42")!;
        catalogs.Acquire().Dispose();

        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var searches = new List<(TimeSpan Start, TimeSpan End)>();
        var searcher = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var start = clock.Elapsed;
                using (var lease = catalogs.Acquire())
                {
                    // An answer, not an exact one: the graph is approximate (its recall is measured elsewhere).
                    Assert.Equal(5, lease.Catalog.Search(query, new SearchRequest(5)).Count);
                }

                searches.Add((start, clock.Elapsed));
            }
        });

        await Task.Delay(50);
        var reloadStart = clock.Elapsed;
        await Task.Run(() => catalogs.Refresh(rebuild: true));
        var reloadEnd = clock.Elapsed;
        await stop.CancelAsync();
        await searcher;

        var during = searches.Where(s => s.Start > reloadStart && s.End < reloadEnd).ToList();
        var reload = reloadEnd - reloadStart;
        // A search takes well under a millisecond, so 50 ms of rebuild leave room for dozens (an idle machine rebuilds in about 90 ms).
        Assert.True(reload > TimeSpan.FromMilliseconds(50), $"the rebuild took only {reload.TotalMilliseconds:F0} ms: too short to tell");
        Assert.True(during.Count >= 20, $"only {during.Count} searches completed during a {reload.TotalMilliseconds:F0} ms rebuild");
        var longest = searches.Max(s => s.End - s.Start);
        Assert.True(longest < reload / 2, $"a search took {longest.TotalMilliseconds:F0} ms during a {reload.TotalMilliseconds:F0} ms rebuild");
    }

    [Fact]
    public void An_index_shared_by_catch_ups_is_freed_only_when_the_last_catalog_on_it_is()
    {
        var database = NewCatalog(200);
        using var catalogs = new SearchableCatalogProvider(database, Options.Create(new IndexOptions { Kind = IndexKind.Approximate }));
        var held = catalogs.Acquire();
        var query = database.GetVector("p3")!;

        Add(database, 200, 10);
        Assert.Equal(CatalogRefresh.CaughtUp, catalogs.Refresh()); // the successor shares the graph with the held catalog
        Assert.Equal(CatalogRefresh.Rebuilt, catalogs.Refresh(rebuild: true)); // ... and is itself replaced

        Assert.Equal("p3", held.Catalog.Search(query, new SearchRequest(1)).Single().Product.Id);
        var old = held.Catalog;
        held.Dispose();
        Assert.ThrowsAny<ObjectDisposedException>(() => old.Search(query, new SearchRequest(1)));
    }

    [Fact]
    public void A_removed_product_leaves_the_index_at_once_and_the_next_refresh_catches_up()
    {
        var database = NewCatalog(50);
        using var catalogs = new SearchableCatalogProvider(database);
        var query = database.GetVector("p7")!;
        catalogs.Acquire().Dispose();

        database.DeleteProducts(["p7"]);
        catalogs.Remove(["p7"]);

        using (var lease = catalogs.Acquire())
        {
            Assert.DoesNotContain(lease.Catalog.Search(query, new SearchRequest(50)), h => h.Product.Id == "p7");
            Assert.Null(lease.Catalog.VectorOf("p7"));
        }

        Assert.Equal(CatalogRefresh.CaughtUp, catalogs.Refresh());
        using var after = catalogs.Acquire();
        Assert.Null(after.Catalog.Find("p7"));
        Assert.Equal(49, after.Catalog.Count);
    }

    [Fact]
    public void Once_loaded_an_empty_catalog_answers_at_once_and_a_refresh_brings_new_products()
    {
        var database = CatalogDatabase.Open(_temp.File("empty.db"));
        using var catalogs = new SearchableCatalogProvider(database);
        Assert.Throws<CatalogEmptyException>(catalogs.Acquire); // the first load finds nothing

        database.EnsureEmbeddingProfile(Profile);
        Add(database, 0, 5);
        Assert.Throws<CatalogEmptyException>(catalogs.Acquire); // no search waits for a build after the first load

        Assert.Equal(CatalogRefresh.Rebuilt, catalogs.Refresh());
        using var lease = catalogs.Acquire();
        Assert.Equal(5, lease.Catalog.Count);
    }
}

using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Index;
using Lookbook.Testing;
using Microsoft.Extensions.Options;

namespace Lookbook.Search.Tests;

/// <summary>Photo search with the real model over the shipped sample.</summary>
[Collection(ModelCollection.Name)]
public sealed class PhotoSearchTests(EmbedderFixture model) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_category_filter_on_the_graph_still_returns_k_products_of_that_category()
    {
        var database = CatalogDatabase.Open(_temp.File("catalog.db"));
        await new CatalogImporter(database, model.Embedder).ImportAsync(new FashionMnistSource(RepositoryPaths.SampleCatalog, "train", 1000), new ImportOptions());
        using var catalogs = new SearchableCatalogProvider(database, Options.Create(new IndexOptions { Kind = IndexKind.Approximate }));
        using var search = new PhotoSearch(catalogs, model.Embedder);
        var photo = new FashionMnistSource(RepositoryPaths.SampleCatalog, "test", 1).ReadEntries().Single().Item!.ImageBytes!;

        var bags = search.Search(photo, new SearchRequest(10, Category: "Bag")).Hits;

        Assert.Equal(10, bags.Count);
        Assert.All(bags, h => Assert.Equal("Bag", h.Product.Category));
        using var lease = catalogs.Acquire();
        Assert.True(lease.Catalog.IsApproximate);
    }

    [Fact]
    public async Task Similar_products_of_a_catalog_product_leave_it_out_and_an_unknown_id_is_not_found()
    {
        var database = CatalogDatabase.Open(_temp.File("similar.db"));
        await new CatalogImporter(database, model.Embedder).ImportAsync(new FashionMnistSource(RepositoryPaths.SampleCatalog, "train", 200), new ImportOptions());
        using var catalogs = new SearchableCatalogProvider(database);
        var similar = new SimilarProducts(catalogs);

        var hits = similar.Find("fmnist-train-00010", new SearchRequest(5));

        Assert.Equal(5, hits.Count);
        Assert.DoesNotContain(hits, h => h.Product.Id == "fmnist-train-00010");
        Assert.Throws<ProductNotFoundException>(() => similar.Find("no-such-product", new SearchRequest(5)));
    }
}

using Lookbook.Catalog.Sources;
using Lookbook.Search;
using Lookbook.Testing;
using Lookbook.Vision.Synthesis;

namespace Lookbook.Learning.Tests;

/// <summary>A catalog on black (Fashion-MNIST) searched with photos of garments on light surfaces, as shoppers take them.</summary>
[Collection(ModelCollection.Name)]
public sealed class PolarityTests(TrainedCatalogFixture catalog)
{
    [Fact]
    public void Training_finds_the_catalog_stores_negatives_on_black_and_the_head_file_keeps_it()
    {
        Assert.True(catalog.Head.NegativeCatalog);
        Assert.True(TrainedHead.Load(catalog.Database.Files.Head)!.NegativeCatalog);

        // A head file written before polarity was measured loads as a catalog searched with photos as they are.
        using var temp = new TempDirectory();
        var path = temp.File("old.head.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(catalog.Database.Files.Head))!;
        Assert.True(json.AsObject().Remove("negativeCatalog"));
        File.WriteAllText(path, json.ToJsonString());
        Assert.False(TrainedHead.Load(path)!.NegativeCatalog);
    }

    [Fact]
    public void A_garment_photographed_on_a_light_background_finds_its_category_in_a_catalog_on_black()
    {
        using var catalogs = new SearchableCatalogProvider(catalog.Database);
        using var search = new PhotoSearch(catalogs, catalog.Embedder);
        var queries = new FashionMnistSource(RepositoryPaths.SampleCatalog, "test", 60).ReadEntries().Select(e => e.Item!).ToList();

        double photoLike = 0, clean = 0;
        foreach (var (query, i) in queries.Select((q, i) => (q, i)))
        {
            // A dark garment on a light textured surface (the stored negative turned positive), searched as served.
            var photo = QueryTransforms.Apply(query.ImageBytes!, QueryTransform.PhotoLike, seed: i);
            photoLike += search.Search(photo, new SearchRequest(10)).Hits.Count(h => h.Product.Category == query.Category) / 10.0;
            clean += search.Search(query.ImageBytes!, new SearchRequest(10)).Hits.Count(h => h.Product.Category == query.Category) / 10.0;
        }

        (photoLike, clean) = (photoLike / queries.Count, clean / queries.Count);
        Assert.True(photoLike > 0.55 && photoLike > clean - 0.25, $"category precision@10 as served: photo-like {photoLike:F3}, clean {clean:F3}");
    }
}

using System.Net;
using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Learning;
using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Microsoft.Data.Sqlite;

namespace Lookbook.Api.Tests;

/// <summary>A generated catalog of garments in four colours (<see cref="ColourCatalog"/>) with a head trained on it, colour head included.</summary>
public sealed class ColourCatalogFixture : IAsyncLifetime
{
    public TempDirectory Temp { get; } = new();

    public string Database => Temp.File("catalog.db");

    public async Task InitializeAsync()
    {
        using var embedder = new OnnxImageEmbedder(new EmbeddingOptions());
        var database = CatalogDatabase.Open(Database);
        await new CatalogImporter(database, embedder).ImportAsync(new StylesCsvSource(ColourCatalog.Write(Temp.File("shop"), perKindAndColour: 9)), new ImportOptions());
        // One shopper photo per product and nothing else optional: enough for a colour head, in seconds.
        await new HeadTrainer(database, embedder).TrainAsync(new HeadTrainingRequest(
            AugmentedCopies: 0, ShopperViews: 1, NoProductExamples: 0, Options: new TrainingOptions(MaxEpochs: 40), Projection: new ProjectionOptions(MaxEpochs: 0)));
        SqliteConnection.ClearAllPools();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Temp.Dispose();
        return Task.CompletedTask;
    }
}

[Collection(CatalogCollection.Name)]
public sealed class ColourSearchApiTests(ColourCatalogFixture catalog) : IClassFixture<ColourCatalogFixture>, IDisposable
{
    private static readonly byte[] RedSkirt = ColourCatalog.Photo("Skirts", "Red", 4242);
    private readonly LookbookFactory _factory = new(catalog.Database);

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task A_search_says_which_colour_the_photo_shows_when_it_is_sure()
    {
        using var client = _factory.CreateClient();
        var named = new List<(string Truth, string Named, double Confidence)>();

        foreach (var (colour, i) in ColourCatalog.Colours.Keys.Select((c, i) => (c, i)))
        {
            var response = await client.PostAsync("/api/search?k=10", ApiTestHelpers.Photo(ColourCatalog.Photo("Skirts", colour, 4242 + i)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Json();
            Assert.Equal("Skirts", body.GetProperty("prediction").GetProperty("category").GetString());
            if (body.TryGetProperty("colour", out var said)) // absent when the colour head is unsure
            {
                named.Add((colour, said.GetProperty("name").GetString()!, said.GetProperty("confidence").GetDouble()));
            }
        }

        Assert.True(named.Count >= 3, $"named {named.Count} of 4 colours");
        Assert.All(named, n => Assert.Equal(n.Truth, n.Named));
        Assert.All(named, n => Assert.InRange(n.Confidence, 0.3, 1.0));
    }

    [Fact]
    public async Task A_colour_filter_returns_only_that_colour_whatever_the_photos()
    {
        using var client = _factory.CreateClient();

        var response = await client.PostAsync("/api/search?k=20&attr=baseColour:Blue", ApiTestHelpers.Photo(RedSkirt));

        var results = (await response.Json()).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(20, results.Count);
        var database = CatalogDatabase.Open(catalog.Database);
        Assert.All(results, r => Assert.Equal("Blue", database.GetProduct(r.GetProperty("product").GetProperty("id").GetString()!)!.Attributes["baseColour"]));
    }
}

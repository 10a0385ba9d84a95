using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Evaluation;
using Lookbook.Index;
using Lookbook.Learning;
using Lookbook.Search;
using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Lookbook.Api.Tests;

/// <summary>
/// A catalog built once with the real model: 300 Fashion-MNIST sample products plus one large JPEG
/// product photo. Tests that change the catalog take their own copy with <see cref="CopyDatabase"/>.
/// </summary>
public sealed class CatalogFixture : IAsyncLifetime
{
    public const string PhotoProductId = "coats/long-wool-coat";

    public TempDirectory Temp { get; } = new();

    public string Database => Temp.File("catalog.db");

    public async Task InitializeAsync()
    {
        using var embedder = new OnnxImageEmbedder(new EmbeddingOptions());
        var database = CatalogDatabase.Open(Database);
        var importer = new CatalogImporter(database, embedder);
        await importer.ImportAsync(new FashionMnistSource(RepositoryPaths.SampleCatalog, "train", 300), new ImportOptions());
        Temp.Write("shop/" + PhotoProductId + ".jpg", TestImages.Shape(SKColors.White, SKColors.SaddleBrown, 1000, 1500, 7, SKEncodedImageFormat.Jpeg));
        await importer.ImportAsync(new FolderSource(Temp.File("shop")), new ImportOptions());

        // A trained head (predictions, boost, no-good-match) and an evaluation report, as after
        // `lookbook train` and `lookbook evaluate`.
        await new HeadTrainer(database, embedder).TrainAsync(new HeadTrainingRequest(AugmentedCopies: 0, Options: new TrainingOptions(MaxEpochs: 20)));
        using var catalogs = new SearchableCatalogProvider(database);
        using var search = new PhotoSearch(catalogs, embedder);
        var report = new CatalogEvaluator(database, embedder, catalogs, search, Options.Create(new SearchOptions())).EvaluateHoldout(0.2, 42);
        File.WriteAllText(new CatalogFiles(Database).ReportHtml, HtmlReport.Render(report));
        SqliteConnection.ClearAllPools();
    }

    /// <summary>A private copy of the catalog for a test that deletes or changes products.</summary>
    public string CopyDatabase(TempDirectory target)
    {
        var path = target.File("catalog.db");
        File.Copy(Database, path);
        return path;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Temp.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class CatalogCollection : ICollectionFixture<CatalogFixture>
{
    public const string Name = "catalog";
}

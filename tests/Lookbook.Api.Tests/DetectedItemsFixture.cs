using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Learning;
using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Lookbook.Vision.Synthesis;
using Microsoft.Data.Sqlite;

namespace Lookbook.Api.Tests;

/// <summary>
/// A catalog where garments can be found on a photo: generated T-shirts, skirts and handbags embedded at 224 px (the
/// size real product photos get; Fashion-MNIST's 28-px images are embedded too small to localise in), with a head
/// whose localization learned from shopper-like photos of them. <see cref="Outfit"/> is a shopper's photo of two of
/// its products side by side.
/// </summary>
public sealed class DetectedItemsFixture : IAsyncLifetime
{
    public TempDirectory Temp { get; } = new();

    public string Database => Temp.File("catalog.db");

    /// <summary>A red T-shirt and a blue handbag side by side on a textured background (JPEG).</summary>
    public byte[] Outfit { get; private set; } = [];

    public async Task InitializeAsync()
    {
        using var embedder = new OnnxImageEmbedder(new EmbeddingOptions { Preprocessing = new PreprocessingOptions { InputSize = 224 } });
        using var database = CatalogDatabase.Open(Database);
        await new CatalogImporter(database, embedder).ImportAsync(new StylesCsvSource(ColourCatalog.Write(Temp.File("shop"), perKindAndColour: 8)), new ImportOptions());
        await new HeadTrainer(database, embedder).TrainAsync(new HeadTrainingRequest(
            AugmentedCopies: 0, ShopperViews: 1, NoProductExamples: 0, Options: new TrainingOptions(MaxEpochs: 40), Projection: new ProjectionOptions(MaxEpochs: 0)));
        Outfit = ShopperPhotoSynthesizer.Outfit(
            [ColourCatalog.Photo("Tshirts", "Red", 5151), ColourCatalog.Photo("Handbags", "Blue", 5152)], ShopperPhotoStrength.Mild, seed: 11);
        SqliteConnection.ClearAllPools();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Temp.Dispose();
        return Task.CompletedTask;
    }
}

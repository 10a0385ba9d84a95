using Lookbook.Vision.Embedding;

namespace Lookbook.Engine.Tests;

/// <summary>The real ResNet18, loaded once for all tests that embed; they run one at a time on the 2 cores.</summary>
public sealed class EmbedderFixture : IDisposable
{
    public OnnxImageEmbedder Embedder { get; } = new(new EmbeddingOptions());

    public void Dispose() => Embedder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ModelCollection : ICollectionFixture<EmbedderFixture>, ICollectionFixture<TrainedCatalogFixture>
{
    public const string Name = "model";
}

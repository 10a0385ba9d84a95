using Lookbook.Vision.Embedding;

namespace Lookbook.Testing;

/// <summary>
/// The real ResNet18, loaded once per test assembly for all tests that embed; they run one at a time
/// (each assembly's <c>ModelCollection</c>) on the 2 cores.
/// </summary>
public sealed class EmbedderFixture : IDisposable
{
    public OnnxImageEmbedder Embedder { get; } = new(new EmbeddingOptions());

    public void Dispose() => Embedder.Dispose();
}

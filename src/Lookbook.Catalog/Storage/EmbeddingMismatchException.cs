using Lookbook.Vision.Embedding;

namespace Lookbook.Catalog.Storage;

/// <summary>
/// The stored vectors were made by a different model or configuration than the one configured now, so
/// they cannot be compared with new ones. The message says how to re-index.
/// </summary>
public sealed class EmbeddingMismatchException(EmbeddingProfile stored, string configuredDescription, string databasePath)
    : Exception(
        $"The catalog {databasePath} was indexed with a different embedding configuration.\n" +
        $"  stored:     {stored.Description}\n" +
        $"  configured: {configuredDescription}\n" +
        "Run `lookbook reindex` to re-embed every product with the configured model (resumable), " +
        "or restore the configuration the catalog was built with.")
{
    public EmbeddingProfile Stored { get; } = stored;
}

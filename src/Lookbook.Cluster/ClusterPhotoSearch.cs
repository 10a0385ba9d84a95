using Lookbook.Catalog;
using Lookbook.Catalog.Storage;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Lookbook.Cluster;

/// <summary>A product the cluster found, with its similarity to the photo.</summary>
public sealed record ClusterPhotoHit(Product Product, float Similarity);

/// <summary>What a photo search through the cluster found; <see cref="MissingShards"/> non-empty means partial.</summary>
public sealed record ClusterPhotoResult(IReadOnlyList<ClusterPhotoHit> Hits, IReadOnlyList<int> MissingShards, IReadOnlyDictionary<int, string> Failures);

/// <summary>
/// A photo search through the cluster, for a front end (<c>lookbook serve --cluster</c>) or the CLI: the photo (or the
/// shopper's crop of it) is embedded here, once, with the catalog's model; the shards rank by similarity (no trained
/// head on the shards yet); the products come from the shared catalog.
/// </summary>
public sealed class ClusterPhotoSearch(IImageEmbedder embedder, ClusterSearch cluster, CatalogDatabase catalog, IOptions<ClusterOptions> options)
{
    /// <summary>
    /// Throws <see cref="EmbeddingMismatchException"/> when this process's model is not the catalog's, and
    /// <see cref="InvalidOperationException"/> when its shard count is not the catalog's.
    /// </summary>
    public void EnsureCompatible()
    {
        ClusterHosting.EnsureShardCount(catalog, options.Value);
        if (catalog.GetEmbeddingProfile() is { } stored && stored.Fingerprint != embedder.Profile.Fingerprint)
        {
            throw new EmbeddingMismatchException(stored, embedder.Profile.Description, catalog.Location);
        }
    }

    /// <summary>The short side a photo is decoded to before it is prepared (twice the model's input: room for a crop).</summary>
    public int DecodeShortSide => 2 * embedder.Preparer.InputSize;

    public ImageLimits Limits => embedder.Preparer.Limits;

    public Task<ClusterPhotoResult> SearchAsync(
        byte[] photo, int k, string? category, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken = default)
    {
        using var prepared = embedder.Preparer.Prepare(photo);
        return SearchAsync(embedder.Embed([prepared])[0], k, category, attributes, cancellationToken);
    }

    public Task<ClusterPhotoResult> SearchAsync(
        SKBitmap photo, NormalizedRect? region, int k, string? category, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken = default)
    {
        using var prepared = embedder.Preparer.Prepare(photo, region);
        return SearchAsync(embedder.Embed([prepared])[0], k, category, attributes, cancellationToken);
    }

    private async Task<ClusterPhotoResult> SearchAsync(
        float[] vector, int k, string? category, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken)
    {
        var answer = await cluster.SearchAsync(vector, k, category, attributes, cancellationToken).ConfigureAwait(false);
        var products = catalog.GetProducts([.. answer.Hits.Select(h => h.ProductId)], cancellationToken).ToDictionary(p => p.Id, StringComparer.Ordinal);
        return new ClusterPhotoResult(
            [.. answer.Hits.Where(h => products.ContainsKey(h.ProductId)).Select(h => new ClusterPhotoHit(products[h.ProductId], h.Similarity))],
            answer.MissingShards, answer.Failures);
    }
}

using Lookbook.Vision.Images;

namespace Lookbook.Vision.Embedding;

/// <summary>Embeds encoded photos in model-sized batches, decoding each batch on all cores (training, evaluation).</summary>
public static class PhotoBatches
{
    private const int Batch = 32;

    /// <summary>One vector per photo, in order; throws <see cref="ImageRejectedException"/> for a photo that cannot be read.</summary>
    public static List<float[]> EmbedPhotos(this IImageEmbedder embedder, IReadOnlyList<byte[]> photos, CancellationToken cancellationToken = default)
    {
        var vectors = new List<float[]>(photos.Count);
        foreach (var chunk in photos.Chunk(Batch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var prepared = new PreparedImage[chunk.Length];
            try
            {
                Parallel.For(0, chunk.Length, i => prepared[i] = embedder.Preparer.Prepare(chunk[i]));
                vectors.AddRange(embedder.Embed(prepared));
            }
            finally
            {
                Array.ForEach(prepared, p => p?.Dispose());
            }
        }

        return vectors;
    }
}

using Lookbook.Vision.Embedding;

namespace Lookbook.Learning.Localization;

/// <summary>Shopper photos embedded the way a live search embeds them, so that what is learned and measured is what is served.</summary>
public static class AsServedEmbedding
{
    /// <summary>
    /// One vector per photo: with a <paramref name="locator"/>, each photo's best garment (cropped when it is small
    /// in the frame); without, the whole photo. Throws <see cref="InvalidDataException"/> for a photo that cannot be decoded.
    /// </summary>
    public static List<float[]> EmbedPhotosAsServed(this IImageEmbedder embedder, IReadOnlyList<byte[]> photos, PhotoLocator? locator, CancellationToken cancellationToken = default) =>
        locator is null
            ? embedder.EmbedPhotos(photos, cancellationToken)
            : [.. locator.LocateAll(embedder, photos, cancellationToken).Select((l, i) => l?.Vector ?? throw new InvalidDataException($"Photo {i} could not be decoded."))];
}

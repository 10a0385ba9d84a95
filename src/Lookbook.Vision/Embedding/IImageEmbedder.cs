using Lookbook.Vision.Images;

namespace Lookbook.Vision.Embedding;

/// <summary>Turns prepared images into L2-normalised vectors. Implementations are safe to share between threads.</summary>
public interface IImageEmbedder
{
    /// <summary>What produces the vectors; compare fingerprints before comparing vectors.</summary>
    EmbeddingProfile Profile { get; }

    /// <summary>The pre-processing the model expects.</summary>
    ImagePreparer Preparer { get; }

    /// <summary>One vector per image, in order. CPU-bound and synchronous: call it from a worker thread.</summary>
    float[][] Embed(IReadOnlyList<PreparedImage> images);

    /// <summary>
    /// <see cref="Embed"/> that also keeps each image's last feature map (what localization reads); the vectors are
    /// the same as <see cref="Embed"/>'s.
    /// </summary>
    EmbeddedImage[] EmbedWithMaps(IReadOnlyList<PreparedImage> images);

    /// <summary>
    /// The first look at photos, which finds their garments: <see cref="EmbedWithMaps"/>, or when <see cref="LooksApart"/>
    /// the same from a cheaper int8 copy of the model, whose vectors are not the catalog's.
    /// </summary>
    EmbeddedImage[] Look(IReadOnlyList<PreparedImage> images) => EmbedWithMaps(images);

    /// <summary>Whether <see cref="Look"/> runs a model of its own (then a photo searched whole is embedded again).</summary>
    bool LooksApart => false;
}

namespace Lookbook.Vision.Images;

/// <summary>Upper bounds checked before an image is decoded, so a hostile file cannot exhaust memory.</summary>
/// <param name="MaxBytes">Largest accepted encoded file.</param>
/// <param name="MaxPixels">Largest accepted width × height, read from the header before decoding.</param>
public sealed record ImageLimits(long MaxBytes, long MaxPixels)
{
    /// <summary>50 MB files and 40 megapixels: above any product photo, far below a decompression bomb.</summary>
    public static ImageLimits Default { get; } = new(50L * 1024 * 1024, 40_000_000);
}

using SkiaSharp;

namespace Lookbook.Vision.Images;

/// <summary>Facts read from an image's header without decoding its pixels.</summary>
public sealed record ImageHeader(int Width, int Height, string Format);

/// <summary>
/// Decodes JPEG, PNG, WebP, GIF (first frame) and BMP with Skia, refusing anything over the limits
/// before pixels are allocated, and returns an upright RGBA bitmap.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Reads the header and checks the limits; throws <see cref="ImageRejectedException"/> when the file is unusable.</summary>
    public static ImageHeader ReadHeader(ReadOnlySpan<byte> encoded, ImageLimits limits)
    {
        using var codec = OpenCodec(encoded, limits, out _);
        var (width, height) = UprightSize(codec);
        return new ImageHeader(width, height, codec.EncodedFormat.ToString().ToUpperInvariant());
    }

    /// <summary>
    /// Decodes the image, upright, at no less than <paramref name="minShortSide"/> pixels on its shorter side
    /// when the format can decode at a reduced scale (JPEG), which makes large photos much cheaper.
    /// </summary>
    public static SKBitmap Decode(ReadOnlySpan<byte> encoded, ImageLimits limits, int minShortSide = int.MaxValue)
    {
        using var codec = OpenCodec(encoded, limits, out var data);
        using (data)
        {
            var size = ChooseDecodeSize(codec, minShortSide);
            var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
            var bitmap = new SKBitmap(info);
            // Frame 0 is the first frame of an animated GIF or WebP.
            var result = codec.GetPixels(info, bitmap.GetPixels(), new SKCodecOptions(0));
            if (result != SKCodecResult.Success)
            {
                bitmap.Dispose();
                throw result == SKCodecResult.IncompleteInput
                    ? new ImageRejectedException(ImageProblem.Truncated, $"The {codec.EncodedFormat} file is truncated: it ends before the image data does.")
                    : new ImageRejectedException(ImageProblem.Corrupt, $"The {codec.EncodedFormat} data is corrupt ({result}).");
            }

            return ImageOrientation.Apply(bitmap, codec.EncodedOrigin);
        }
    }

    private static SKCodec OpenCodec(ReadOnlySpan<byte> encoded, ImageLimits limits, out SKData data)
    {
        if (encoded.IsEmpty)
        {
            throw new ImageRejectedException(ImageProblem.Empty, "The file is empty (0 bytes).");
        }

        if (encoded.Length > limits.MaxBytes)
        {
            throw new ImageRejectedException(ImageProblem.TooLarge,
                $"The file is {encoded.Length / 1_048_576.0:F1} MB; the limit is {limits.MaxBytes / 1_048_576.0:F1} MB.");
        }

        data = SKData.CreateCopy(encoded);
        // The codec owns the stream; the stream reads from the data, which the caller disposes.
        var codec = SKCodec.Create(new SKMemoryStream(data), out var result);
        if (codec is null)
        {
            data.Dispose();
            throw result == SKCodecResult.IncompleteInput
                ? new ImageRejectedException(ImageProblem.Truncated, "The file is truncated: it ends inside the image header.")
                : new ImageRejectedException(ImageProblem.NotAnImage, "The file is not a supported image (JPEG, PNG, WebP, GIF or BMP).");
        }

        // Read everything the messages need before disposing: the native codec is gone after Dispose.
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var pixels = (long)width * height;
        if (width <= 0 || height <= 0 || pixels > limits.MaxPixels)
        {
            codec.Dispose();
            data.Dispose();
            throw width <= 0 || height <= 0
                ? new ImageRejectedException(ImageProblem.Corrupt, "The image header declares an empty size.")
                : new ImageRejectedException(ImageProblem.TooLarge,
                    $"The image is {width}×{height} ({pixels / 1e6:F1} megapixels); the limit is {limits.MaxPixels / 1e6:F1} megapixels.");
        }

        return codec;
    }

    private static (int Width, int Height) UprightSize(SKCodec codec)
    {
        var swaps = codec.EncodedOrigin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
            or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        return swaps ? (codec.Info.Height, codec.Info.Width) : (codec.Info.Width, codec.Info.Height);
    }

    private static SKSizeI ChooseDecodeSize(SKCodec codec, int minShortSide)
    {
        var full = codec.Info.Size;
        var shortSide = Math.Min(full.Width, full.Height);
        if (minShortSide >= shortSide)
        {
            return full;
        }

        // JPEG decodes at k/8 of its size for much less work; take the smallest such size that still
        // has enough pixels (the codec answers other formats with their full size).
        for (var eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (Math.Min(scaled.Width, scaled.Height) >= minShortSide)
            {
                return scaled;
            }
        }

        return full;
    }
}

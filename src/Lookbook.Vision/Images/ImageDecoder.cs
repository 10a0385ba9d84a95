using System.Runtime.InteropServices;
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
    /// Decodes the image, upright, at no less than <paramref name="minShortSide"/> pixels on its shorter side. JPEG and
    /// WebP decode at a reduced scale; BMP at least twice too large is decoded a few rows at a time and averaged down as
    /// the rows come. Others (Skia decodes PNG and GIF only whole) are decoded whole, then shrunk at once, so that only
    /// the decode itself holds the full-size pixels: <see cref="DecodeCost"/> says how many, for a budget to count.
    /// Throws <see cref="ImageRejectedException"/>.
    /// </summary>
    public static SKBitmap Decode(ReadOnlySpan<byte> encoded, ImageLimits limits, int minShortSide = int.MaxValue)
    {
        using var codec = OpenCodec(encoded, limits, out var data);
        using (data)
        {
            var plan = PlanOf(codec, minShortSide);
            var bitmap = plan.Factor == 1 ? DecodeWhole(codec, plan.Size) : DecodeStreamed(codec, plan.Factor) ?? Shrink(DecodeWhole(codec, codec.Info.Size), plan.Size);
            return ImageOrientation.Apply(bitmap, codec.EncodedOrigin);
        }
    }

    /// <summary>
    /// The most RGBA pixels' worth of memory decoding this image at <paramref name="minShortSide"/> holds at once: the
    /// bitmap it returns, or, for formats decoded whole before shrinking, the whole image and its downscaling levels.
    /// Checks the limits like <see cref="ReadHeader"/>.
    /// </summary>
    public static long DecodeCost(ReadOnlySpan<byte> encoded, ImageLimits limits, int minShortSide = int.MaxValue)
    {
        using var codec = OpenCodec(encoded, limits, out var data);
        using (data)
        {
            var plan = PlanOf(codec, minShortSide);
            var result = (long)plan.Size.Width * plan.Size.Height;
            return plan.Factor == 1 ? result
                : StartRows(codec) ? result + ((long)codec.Info.Width * plan.Factor / 4) // plus one source row
                : ((long)codec.Info.Width * codec.Info.Height * 4 / 3) + result; // the image, its mipmaps, the result
        }
    }

    // True when the codec can hand out rows (Skia's BMP codec can; its PNG codec answers Unimplemented).
    private static bool StartRows(SKCodec codec) =>
        codec.StartScanlineDecode(new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul)) == SKCodecResult.Success
        && codec.ScanlineOrder is SKCodecScanlineOrder.TopDown or SKCodecScanlineOrder.BottomUp;

    /// <summary>The full-size decode shrunk to <paramref name="size"/> (averaged through mipmaps, not aliased); disposes it.</summary>
    private static SKBitmap Shrink(SKBitmap full, SKSizeI size)
    {
        using (full)
        {
            var small = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
            using var canvas = new SKCanvas(small);
            using var image = SKImage.FromPixels(full.PeekPixels());
            canvas.DrawImage(image, new SKRect(0, 0, size.Width, size.Height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            return small;
        }
    }

    private static SKBitmap DecodeWhole(SKCodec codec, SKSizeI size)
    {
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        // Frame 0 is the first frame of an animated GIF or WebP.
        var result = codec.GetPixels(info, bitmap.GetPixels(), new SKCodecOptions(0));
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw Failure(codec, result);
        }

        return bitmap;
    }

    /// <summary>
    /// Decodes row by row, averaging each <paramref name="factor"/>×<paramref name="factor"/> block into one pixel
    /// (premultiplied values average correctly); null when the codec cannot decode by rows (then it decodes whole).
    /// </summary>
    private static SKBitmap? DecodeStreamed(SKCodec codec, int factor)
    {
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var rowInfo = new SKImageInfo(width, 1, SKColorType.Rgba8888, SKAlphaType.Premul);
        if (!StartRows(codec))
        {
            return null;
        }

        var (outWidth, outHeight) = ((width + factor - 1) / factor, (height + factor - 1) / factor);
        var bitmap = new SKBitmap(new SKImageInfo(outWidth, outHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
        // Pinned, so the codec can write into it (one row: 25 KB for a 6300-pixel-wide image).
        var row = GC.AllocateUninitializedArray<byte>(width * 4, pinned: true);
        var rowAddress = Marshal.UnsafeAddrOfPinnedArrayElement(row, 0);
        var sums = new long[outWidth * 4];
        {
            var pixels = bitmap.GetPixelSpan();
            var group = -1;
            var rowsInGroup = 0;
            for (var i = 0; i < height; i++)
            {
                // Rows arrive top-down or bottom-up; GetOutputScanline says which image row each one is.
                var y = codec.GetOutputScanline(i);
                if (y / factor != group)
                {
                    Flush(sums, pixels, group, rowsInGroup, width, factor);
                    (group, rowsInGroup) = (y / factor, 0);
                }

                if (codec.GetScanlines(rowAddress, 1, width * 4) != 1)
                {
                    bitmap.Dispose();
                    throw Failure(codec, SKCodecResult.IncompleteInput);
                }

                Accumulate(row.AsSpan(0, width * 4), sums, factor);
                rowsInGroup++;
            }

            Flush(sums, pixels, group, rowsInGroup, width, factor);
            bitmap.NotifyPixelsChanged();
            return bitmap;
        }
    }

    private static void Accumulate(ReadOnlySpan<byte> row, long[] sums, int factor)
    {
        var width = row.Length / 4;
        for (var x = 0; x < width; x++)
        {
            var target = (x / factor) * 4;
            var source = x * 4;
            sums[target] += row[source];
            sums[target + 1] += row[source + 1];
            sums[target + 2] += row[source + 2];
            sums[target + 3] += row[source + 3];
        }
    }

    /// <summary>Writes the averages of a finished band of rows into output row <paramref name="group"/> and clears the sums.</summary>
    private static void Flush(long[] sums, Span<byte> pixels, int group, int rows, int width, int factor)
    {
        if (group < 0 || rows == 0)
        {
            return;
        }

        var outWidth = sums.Length / 4;
        var line = pixels.Slice(group * outWidth * 4, outWidth * 4);
        for (var ox = 0; ox < outWidth; ox++)
        {
            // The last column of blocks may be narrower than the factor.
            long count = Math.Min(factor, width - (ox * factor)) * rows;
            for (var c = 0; c < 4; c++)
            {
                line[(ox * 4) + c] = (byte)((sums[(ox * 4) + c] + (count / 2)) / count);
            }
        }

        Array.Clear(sums);
    }

    private static ImageRejectedException Failure(SKCodec codec, SKCodecResult result) =>
        result == SKCodecResult.IncompleteInput
            ? new ImageRejectedException(ImageProblem.Truncated, $"The {codec.EncodedFormat} file is truncated: it ends before the image data does.")
            : new ImageRejectedException(ImageProblem.Corrupt, $"The {codec.EncodedFormat} data is corrupt ({result}).");

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

    /// <summary>
    /// The size to return, and the whole factor the decode shrinks by (1: the codec decodes at that size). JPEG and WebP
    /// decode at a reduced scale themselves: the smallest that keeps enough pixels. Others are shrunk by a whole factor
    /// that keeps at least <paramref name="minShortSide"/> on the short side, when that factor is 2 or more.
    /// </summary>
    private static (SKSizeI Size, int Factor) PlanOf(SKCodec codec, int minShortSide)
    {
        var full = codec.Info.Size;
        var shortSide = Math.Min(full.Width, full.Height);
        if (minShortSide >= shortSide)
        {
            return (full, 1);
        }

        for (var eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (scaled != full && Math.Min(scaled.Width, scaled.Height) >= minShortSide)
            {
                return (scaled, 1);
            }
        }

        var factor = shortSide / Math.Max(1, minShortSide);
        return factor >= 2 ? (new SKSizeI((full.Width + factor - 1) / factor, (full.Height + factor - 1) / factor), factor) : (full, 1);
    }
}

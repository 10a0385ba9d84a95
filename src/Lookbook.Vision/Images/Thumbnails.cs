using SkiaSharp;

namespace Lookbook.Vision.Images;

/// <summary>An encoded image ready to send, with its media type.</summary>
public sealed record EncodedImage(byte[] Bytes, string ContentType);

/// <summary>Small, upright versions of product images for result grids.</summary>
public static class Thumbnails
{
    /// <summary>The media type browsers expect for a decoder format name (JPEG, PNG, WEBP, GIF, BMP).</summary>
    public static string ContentTypeOf(string format) => format.ToUpperInvariant() switch
    {
        "JPEG" or "JPG" => "image/jpeg",
        "PNG" => "image/png",
        "WEBP" => "image/webp",
        "GIF" => "image/gif",
        "BMP" => "image/bmp",
        _ => "application/octet-stream",
    };

    /// <summary>
    /// The image scaled so its longer side is at most <paramref name="maxSide"/>. Images already that small
    /// are returned as they are (browsers upscale 28-px Fashion-MNIST images crisply with CSS).
    /// </summary>
    public static EncodedImage Render(byte[] encoded, string format, int maxSide, ImageLimits limits)
    {
        var header = ImageDecoder.ReadHeader(encoded, limits);
        if (Math.Max(header.Width, header.Height) <= maxSide && format.ToUpperInvariant() is "JPEG" or "PNG" or "WEBP" or "GIF")
        {
            return new EncodedImage(encoded, ContentTypeOf(format));
        }

        using var source = ImageDecoder.Decode(encoded, limits, minShortSide: maxSide);
        var scale = Math.Min(1f, (float)maxSide / Math.Max(source.Width, source.Height));
        var info = new SKImageInfo(Math.Max(1, (int)Math.Round(source.Width * scale)), Math.Max(1, (int)Math.Round(source.Height * scale)),
            SKColorType.Rgba8888, SKAlphaType.Premul);
        using var scaled = new SKBitmap(info);
        using (var from = source.PeekPixels())
        using (var to = scaled.PeekPixels())
        {
            from.ScalePixels(to, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        var opaque = header.Format is "JPEG" || IsOpaque(scaled);
        using var data = scaled.Encode(opaque ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, 85);
        return new EncodedImage(data.ToArray(), opaque ? "image/jpeg" : "image/png");
    }

    private static bool IsOpaque(SKBitmap bitmap)
    {
        var pixels = bitmap.GetPixelSpan();
        for (var i = 3; i < pixels.Length; i += 4)
        {
            if (pixels[i] != 255)
            {
                return false;
            }
        }

        return true;
    }
}

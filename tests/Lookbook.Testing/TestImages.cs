using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using SkiaSharp;

namespace Lookbook.Testing;

/// <summary>Images made in code, so each test states exactly which pixels it feeds in.</summary>
public static class TestImages
{
    public static byte[] Solid(SKColor color, int width = 16, int height = 16, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int quality = 100) =>
        Encode(Draw(width, height, canvas => canvas.Clear(color)), format, quality);

    /// <summary>Four coloured quadrants: red top-left, green top-right, blue bottom-left, yellow bottom-right.</summary>
    public static byte[] Quadrants(int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Png) =>
        Encode(Draw(width, height, canvas =>
        {
            using var paint = new SKPaint();
            (SKColor Color, SKRect Rect)[] quadrants =
            [
                (SKColors.Red, SKRect.Create(0, 0, width / 2f, height / 2f)),
                (SKColors.Lime, SKRect.Create(width / 2f, 0, width / 2f, height / 2f)),
                (SKColors.Blue, SKRect.Create(0, height / 2f, width / 2f, height / 2f)),
                (SKColors.Yellow, SKRect.Create(width / 2f, height / 2f, width / 2f, height / 2f)),
            ];
            foreach (var (color, rect) in quadrants)
            {
                paint.Color = color;
                canvas.DrawRect(rect, paint);
            }
        }), format, 100);

    /// <summary>Random pixels: compresses badly, so truncating the file cuts real image data.</summary>
    public static byte[] Noise(int width, int height, int seed, SKEncodedImageFormat format = SKEncodedImageFormat.Jpeg)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var pixels = bitmap.GetPixelSpan();
        random.NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4)
        {
            pixels[i] = 255;
        }

        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>A garment-like shape (a filled ellipse) in one colour on another, for realistic-looking fixtures.</summary>
    public static byte[] Shape(SKColor background, SKColor foreground, int width, int height, int seed, SKEncodedImageFormat format)
    {
        var random = new Random(seed);
        return Encode(Draw(width, height, canvas =>
        {
            canvas.Clear(background);
            using var paint = new SKPaint { Color = foreground, IsAntialias = true };
            canvas.DrawOval(width / 2f, height / 2f, width * (0.2f + (0.2f * random.NextSingle())), height * (0.3f + (0.15f * random.NextSingle())), paint);
        }), format, 90);
    }

    public static byte[] Grey(byte level, int width = 16, int height = 16)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        bitmap.GetPixelSpan().Fill(level);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A fully transparent PNG.</summary>
    public static byte[] Transparent(int width = 16, int height = 16) =>
        Encode(Draw(width, height, canvas => canvas.Clear(SKColors.Transparent)), SKEncodedImageFormat.Png, 100);

    /// <summary>
    /// A JPEG with an EXIF APP1 segment holding only the orientation tag (0x0112), inserted after SOI.
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        var tiff = new byte[26];
        Encoding.ASCII.GetBytes("MM").CopyTo(tiff, 0);          // big-endian TIFF
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8);  // first IFD offset
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), 1);  // one entry
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(12), 3);  // SHORT
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(18), orientation);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(22), 0);  // no next IFD

        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>
    /// The start of a PNG whose header declares <paramref name="width"/>×<paramref name="height"/> pixels:
    /// a decompression bomb as far as any header check can tell.
    /// </summary>
    public static byte[] PngHeaderClaiming(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 2;  // truecolour
        return [.. new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, .. Chunk("IHDR", ihdr), .. Chunk("IDAT", new byte[] { 0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 }), .. Chunk("IEND", [])];
    }

    private static byte[] Chunk(string type, byte[] body)
    {
        var typeBytes = Encoding.ASCII.GetBytes(type);
        var chunk = new byte[12 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, body.Length);
        typeBytes.CopyTo(chunk, 4);
        body.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + body.Length), Crc32.HashToUInt32([.. typeBytes, .. body]));
        return chunk;
    }

    private static SKBitmap Draw(int width, int height, Action<SKCanvas> paint)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        paint(canvas);
        return bitmap;
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using (bitmap)
        using (var data = bitmap.Encode(format, quality))
        {
            return data?.ToArray() ?? throw new InvalidOperationException($"SkiaSharp cannot encode {format}.");
        }
    }
}

using SkiaSharp;

namespace Lookbook.Vision.Synthesis;

/// <summary>Procedural surfaces a product is photographed on (a wall, a table, a bedspread) and scenes without products.</summary>
internal static class Backgrounds
{
    /// <summary>A coloured surface: a lit gradient, with stripes (wood, fabric), tiles or speckle as strong as <paramref name="texture"/> (0..1).</summary>
    public static void Draw(SKCanvas canvas, int width, int height, Random random, float texture)
    {
        var baseColour = RandomColour(random);
        var lit = Shade(baseColour, 1 + (0.25f * random.NextSingle()));
        var shadowed = Shade(baseColour, 1 - (0.35f * random.NextSingle()));
        using (var paint = new SKPaint())
        {
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(random.Next(width), 0), new SKPoint(random.Next(width), height), [lit, shadowed], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, paint);
        }

        if (texture <= 0.01f)
        {
            return;
        }

        using var ink = new SKPaint { IsAntialias = true, Color = Shade(RandomColour(random), 0.8f).WithAlpha((byte)(40 + (150 * texture))) };
        switch (random.Next(3))
        {
            case 0: // stripes: wood grain, a striped cloth
                var spacing = 6 + random.Next(30);
                ink.StrokeWidth = 1 + random.Next(Math.Max(2, spacing / 2));
                var slant = ShopperPhotoSynthesizer.Between(random, -0.5f, 0.5f) * height;
                for (var x = -height; x < width + height; x += spacing)
                {
                    canvas.DrawLine(x, 0, x + slant, height, ink);
                }

                break;
            case 1: // tiles, a checked cloth
                var tile = 20 + random.Next(60);
                for (var y = 0; y < height; y += tile)
                {
                    for (var x = ((y / tile) % 2) * tile; x < width; x += 2 * tile)
                    {
                        canvas.DrawRect(x, y, tile, tile, ink);
                    }
                }

                break;
            default: // speckle, a rug or gravel
                for (var i = 0; i < 400 + (2000 * texture); i++)
                {
                    canvas.DrawCircle(random.Next(width), random.Next(height), 1 + (random.NextSingle() * 4), ink);
                }

                break;
        }
    }

    /// <summary>A scene without any product: sky, ground, a few buildings or trees, a sun.</summary>
    public static void Scene(SKCanvas canvas, int width, int height, Random random)
    {
        var horizon = height * ShopperPhotoSynthesizer.Between(random, 0.35f, 0.7f);
        using var paint = new SKPaint { IsAntialias = true };
        paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, horizon), [new SKColor(90, 140, 220), new SKColor(200, 225, 250)], SKShaderTileMode.Clamp);
        canvas.DrawRect(0, 0, width, horizon, paint);
        paint.Shader = null;
        paint.Color = random.Next(2) == 0 ? new SKColor(70, 120, 50) : new SKColor(120, 110, 100);
        canvas.DrawRect(0, horizon, width, height - horizon, paint);
        for (var i = 0; i < 3 + random.Next(6); i++)
        {
            paint.Color = RandomColour(random);
            var w = 30 + random.Next(120);
            var h = 40 + random.Next((int)horizon);
            var x = random.Next(width);
            canvas.DrawRect(x, horizon - h, w, h, paint);
        }

        paint.Color = new SKColor(255, 230, 120);
        canvas.DrawCircle(random.Next(width), random.Next((int)(horizon / 2)) + 20, 20 + random.Next(30), paint);
    }

    /// <summary>Coloured noise at a random grain.</summary>
    public static void Noise(SKCanvas canvas, int width, int height, Random random)
    {
        var grain = 1 + random.Next(12);
        using var paint = new SKPaint();
        for (var y = 0; y < height; y += grain)
        {
            for (var x = 0; x < width; x += grain)
            {
                paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                canvas.DrawRect(x, y, grain, grain, paint);
            }
        }
    }

    public static SKColor RandomColour(Random random) =>
        SKColor.FromHsv(random.NextSingle() * 360, 10 + (random.NextSingle() * 50), 35 + (random.NextSingle() * 60));

    private static SKColor Shade(SKColor colour, float factor) =>
        new((byte)Math.Clamp(colour.Red * factor, 0, 255), (byte)Math.Clamp(colour.Green * factor, 0, 255), (byte)Math.Clamp(colour.Blue * factor, 0, 255));
}

using System.Globalization;
using SkiaSharp;

namespace Lookbook.Testing;

/// <summary>
/// A small catalog in Kaggle's <c>styles.csv</c> layout made in code: garment-like shapes (T-shirts, skirts, bags) in a
/// few colours on a white studio background, each of a random size, place and tilt with a random pattern of pale
/// stripes or dots, so that what an image looks like overall is not just its colour.
/// </summary>
public static class ColourCatalog
{
    public static readonly IReadOnlyList<string> Kinds = ["Tshirts", "Skirts", "Handbags"];

    public static readonly IReadOnlyDictionary<string, SKColor> Colours = new Dictionary<string, SKColor>
    {
        ["Black"] = new(35, 35, 38),
        ["Red"] = new(196, 32, 44),
        ["Blue"] = new(38, 72, 184),
        ["Yellow"] = new(232, 196, 44),
    };

    /// <summary>
    /// Writes <c>styles.csv</c> and <c>images/{id}.jpg</c> under <paramref name="folder"/>: <paramref name="perKindAndColour"/>
    /// products of each kind in each colour; returns the CSV's path.
    /// </summary>
    public static string Write(string folder, int perKindAndColour, int seed = 1)
    {
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        var rows = new List<string> { "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName" };
        var id = 1000;
        foreach (var kind in Kinds)
        {
            foreach (var colour in Colours.Keys)
            {
                for (var i = 0; i < perKindAndColour; i++)
                {
                    id++;
                    File.WriteAllBytes(Path.Combine(folder, "images", $"{id}.jpg"), Photo(kind, colour, seed * 100_003 + id));
                    rows.Add(string.Create(CultureInfo.InvariantCulture, $"{id},Women,Apparel,Wear,{kind},{colour},Summer,2024,Casual,{colour} {kind} {i}"));
                }
            }
        }

        var csv = Path.Combine(folder, "styles.csv");
        File.WriteAllLines(csv, rows);
        return csv;
    }

    /// <summary>One catalog shot (JPEG, 96×128) of a product of this kind and colour.</summary>
    public static byte[] Photo(string kind, string colour, int seed)
    {
        var random = new Random(seed);
        const int width = 96, height = 128;
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.Translate(width / 2f + Between(random, -8, 8), height / 2f + Between(random, -10, 10));
            canvas.RotateDegrees(Between(random, -12, 12));
            canvas.Scale(Between(random, 0.75f, 1.1f));
            using var shape = Shape(kind);
            var shade = Colours[colour];
            var jitter = (int)Between(random, -18, 18);
            using var fill = new SKPaint { IsAntialias = true, Color = new SKColor(Clamp(shade.Red + jitter), Clamp(shade.Green + jitter), Clamp(shade.Blue + jitter)) };
            canvas.DrawPath(shape, fill);
            canvas.ClipPath(shape, antialias: true);
            Pattern(canvas, random);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private static SKPath Shape(string kind)
    {
        var path = new SKPath();
        switch (kind)
        {
            case "Tshirts":
                path.MoveTo(-18, -40);
                path.LineTo(18, -40);
                path.LineTo(40, -22);
                path.LineTo(30, -10);
                path.LineTo(22, -16);
                path.LineTo(22, 40);
                path.LineTo(-22, 40);
                path.LineTo(-22, -16);
                path.LineTo(-30, -10);
                path.LineTo(-40, -22);
                path.Close();
                break;
            case "Skirts":
                path.MoveTo(-16, -40);
                path.LineTo(16, -40);
                path.LineTo(38, 42);
                path.LineTo(-38, 42);
                path.Close();
                break;
            default:
                path.AddRoundRect(SKRect.Create(-34, -14, 68, 50), 8, 8);
                path.AddOval(SKRect.Create(-18, -38, 36, 36));
                path.AddOval(SKRect.Create(-12, -32, 24, 24), SKPathDirection.CounterClockwise);
                break;
        }

        return path;
    }

    // Pale stripes or dots over the garment: texture that varies from product to product whatever the colour.
    private static void Pattern(SKCanvas canvas, Random random)
    {
        using var paint = new SKPaint { IsAntialias = true, Color = new SKColor(255, 255, 255, (byte)random.Next(40, 110)) };
        switch (random.Next(3))
        {
            case 0:
                paint.StrokeWidth = Between(random, 2, 6);
                var gap = Between(random, 8, 16);
                for (var y = -60f; y < 60; y += gap)
                {
                    canvas.DrawLine(-60, y, 60, y + Between(random, -10, 10), paint);
                }

                break;
            case 1:
                var radius = Between(random, 2, 5);
                for (var y = -50f; y < 50; y += 4 * radius)
                {
                    for (var x = -50f; x < 50; x += 4 * radius)
                    {
                        canvas.DrawCircle(x, y, radius, paint);
                    }
                }

                break;
            default:
                break; // plain
        }
    }

    private static float Between(Random random, float low, float high) => low + (random.NextSingle() * (high - low));

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}

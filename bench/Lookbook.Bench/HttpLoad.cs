using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Lookbook.Api.Hosting;
using Lookbook.Catalog.Storage;
using Lookbook.Cli.Output;
using Microsoft.AspNetCore.Builder;
using SkiaSharp;

namespace Lookbook.Bench;

/// <summary>
/// A small load generator for POST /api/search: fixed number of requests spread over N concurrent
/// workers, per-request latency percentiles and throughput. Against --url, or an in-process server
/// over --db when no URL is given.
/// </summary>
internal static class HttpLoad
{
    /// <param name="hostile">Instead of the latency runs, the memory cost of hostile uploads (<see cref="HostileUploads"/>).</param>
    /// <param name="faultShare">In a soak, the share of requests that are hostile (bad files, aborted uploads, slow bodies).</param>
    /// <param name="soak">When set, a sustained run of this length at the highest concurrency instead of the fixed-count runs.</param>
    public static async Task RunAsync(
        BenchReport report, string? url, string database, int requests, int[] concurrencies, TimeSpan? soak, bool hostile, double faultShare, CancellationToken cancellationToken)
    {
        WebApplication? app = null;
        if (url is null)
        {
            if (!File.Exists(database))
            {
                throw new FileNotFoundException($"No catalog at {database}. Build one first, e.g. lookbook import fashion-mnist /usr/share/datasets/fashion-mnist --db {database}");
            }

            app = LookbookWebApp.Create(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string?>
            {
                ["Lookbook:Storage:DatabasePath"] = database,
                ["Lookbook:Api:SearchesPerMinute"] = "0", // a load test is one client sending thousands of searches
                ["Logging:LogLevel:Default"] = "Warning",
            });
            await app.StartAsync(cancellationToken);
            url = app.Urls.First();
        }

        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
            var catalogSize = (await http.GetFromJsonAsync<List<CategoryCount>>("/api/categories", cancellationToken))!.Sum(c => c.Products);
            var photos = new (string Name, byte[] Bytes, string Type)[]
            {
                ("28x28 PNG", File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(BenchEnvironment.FindSample())!, "queries", "sneaker.png")), "image/png"),
                ("1000x1500 JPEG", ProductPhoto(1000, 1500), "image/jpeg"),
                // A phone photo of a catalog product (medium strength): with localization, its garment is cropped and embedded again.
                ("480x640 shopper photo", await ShopperPhotoAsync(http, cancellationToken), "image/jpeg"),
            };

            if (hostile)
            {
                await HostileUploads.RunAsync(report, http, concurrencies.Max(), cancellationToken);
                return;
            }

            if (soak is { } duration)
            {
                await SendAsync(http, photos[1].Bytes, photos[1].Type, 60, concurrencies.Max(), cancellationToken); // warm-up
                await Soak.RunAsync(report, http, photos, catalogSize, duration, concurrencies.Max(), faultShare, cancellationToken);
                return;
            }

            foreach (var (name, bytes, type) in photos)
            {
                foreach (var concurrency in concurrencies)
                {
                    await SendAsync(http, bytes, type, Math.Min(60, requests), concurrency, cancellationToken); // warm-up, past tiered JIT
                    var (latencies, elapsed) = await SendAsync(http, bytes, type, requests, concurrency, cancellationToken);
                    var label = $"POST /api/search, {name}, {catalogSize:N0} products, concurrency {concurrency}";
                    report.Add("http", label + ", p50", Percentiles.Of(latencies, 50), "ms");
                    report.Add("http", label + ", p95", Percentiles.Of(latencies, 95), "ms");
                    report.Add("http", label + ", p99", Percentiles.Of(latencies, 99), "ms");
                    report.Add("http", label + ", throughput", requests / elapsed.TotalSeconds, "requests/s", $"{requests} requests");
                }
            }
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
        }
    }

    private static async Task<(List<double> Latencies, TimeSpan Elapsed)> SendAsync(
        HttpClient http, byte[] photo, string type, int requests, int concurrency, CancellationToken cancellationToken)
    {
        var latencies = new List<double>(requests);
        var next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= requests)
            {
                var ms = await SearchAsync(http, photo, type, cancellationToken);
                lock (latencies)
                {
                    latencies.Add(ms);
                }
            }
        }));
        return (latencies, clock.Elapsed);
    }

    /// <summary>One POST /api/search of a photo; returns its latency in milliseconds.</summary>
    public static async Task<double> SearchAsync(HttpClient http, byte[] photo, string type, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(photo);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        var started = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync("/api/search?k=10", new MultipartFormDataContent { { content, "image", "photo" } }, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        response.EnsureSuccessStatusCode();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>A synthesised shopper's photo of the first product the server lists.</summary>
    private static async Task<byte[]> ShopperPhotoAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var page = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/products?page=1&pageSize=1", cancellationToken);
        var id = page.GetProperty("items")[0].GetProperty("id").GetString()!;
        var image = await http.GetByteArrayAsync($"/api/products/{Uri.EscapeDataString(id)}/image", cancellationToken);
        return Lookbook.Vision.Synthesis.ShopperPhotoSynthesizer.Photo(image, Lookbook.Vision.Synthesis.ShopperPhotoStrength.Medium, seed: 1);
    }

    /// <summary>A product-photo-sized JPEG with texture, so decoding costs what a real one would.</summary>
    private static byte[] ProductPhoto(int width, int height)
    {
        var random = new Random(1);
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(245, 242, 238));
            using var paint = new SKPaint { IsAntialias = true };
            for (var i = 0; i < 400; i++)
            {
                paint.Color = new SKColor((byte)random.Next(40, 120), (byte)random.Next(20, 80), (byte)random.Next(20, 60));
                canvas.DrawCircle(width * (0.3f + (0.4f * random.NextSingle())), height * (0.15f + (0.7f * random.NextSingle())), 20 + (40 * random.NextSingle()), paint);
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private sealed record CategoryCount(string Name, int Products);
}

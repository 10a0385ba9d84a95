using System.Net;
using System.Net.Http.Headers;
using SkiaSharp;

namespace Lookbook.Bench;

/// <summary>
/// What hostile uploads cost the server's memory: concurrency 16 of a 6300×6300 grey PNG (tens of KB that decode to
/// 40 megapixels), then a run of 9 MB photos. Reports the peak and settled resident memory of this process (the server
/// runs in it; the client's share is a few MB) and every status the server answered: 200, or 503 when the decode
/// budget is spent — never another 5xx.
/// </summary>
internal static class HostileUploads
{
    public static async Task RunAsync(BenchReport report, HttpClient http, int concurrency, CancellationToken cancellationToken)
    {
        var bomb = GreyPng(6300, 6300);
        var large = NoisyJpeg(9_000_000);
        var group = $"hostile uploads, concurrency {concurrency}";
        report.Add(group, "inputs", bomb.Length / 1024.0, "KB", $"6300x6300 grey PNG of {bomb.Length / 1024.0:F0} KB; {large.Length / 1048576.0:F1} MB JPEG");

        await SendAsync(http, bomb, "image/png", 4, 1, cancellationToken); // warm-up: model, batcher, codecs
        Settle();
        var before = Memory.Resident;
        Memory.ResetPeak();
        var statuses = await SendAsync(http, bomb, "image/png", concurrency * 4, concurrency, cancellationToken);
        var peak = Memory.Peak;
        report.Add(group, "6300x6300 PNG: peak resident memory", peak / 1048576.0, "MiB",
            $"{before / 1048576.0:F0} MiB before; answers {Describe(statuses)}");

        Memory.ResetPeak();
        var largeStatuses = await SendAsync(http, large, "image/jpeg", 32, 4, cancellationToken);
        report.Add(group, "9 MB JPEG x32 (concurrency 4): peak resident memory", Memory.Peak / 1048576.0, "MiB", $"answers {Describe(largeStatuses)}");
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken); // what an idle server keeps, without forcing a collection
        report.Add(group, "resident memory 5 s after", Memory.Resident / 1048576.0, "MiB");
    }

    private static string Describe(Dictionary<int, int> statuses) =>
        string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value}× {s.Key}"));

    private static async Task<Dictionary<int, int>> SendAsync(HttpClient http, byte[] photo, string type, int requests, int concurrency, CancellationToken cancellationToken)
    {
        var statuses = new Dictionary<int, int>();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= requests)
            {
                var content = new ByteArrayContent(photo);
                content.Headers.ContentType = new MediaTypeHeaderValue(type);
                using var response = await http.PostAsync("/api/search?k=10", new MultipartFormDataContent { { content, "image", "photo" } }, cancellationToken);
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is null)
                {
                    throw new InvalidOperationException("A 503 without Retry-After.");
                }

                lock (statuses)
                {
                    statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                }
            }
        }));
        return statuses;
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    /// <summary>A flat grey PNG: zlib shrinks it to almost nothing, decoding inflates it to width × height pixels.</summary>
    public static byte[] GreyPng(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(128, 128, 128));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A JPEG of noise of about <paramref name="bytes"/> bytes: the largest kind of upload a camera makes.</summary>
    private static byte[] NoisyJpeg(int bytes)
    {
        var random = new Random(7);
        var side = 1000;
        while (true)
        {
            using var bitmap = new SKBitmap(side, side * 3 / 4);
            var pixels = bitmap.GetPixelSpan().ToArray();
            random.NextBytes(pixels);
            for (var i = 3; i < pixels.Length; i += 4)
            {
                pixels[i] = 255;
            }

            System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
            if (data.Size >= bytes)
            {
                return data.ToArray();
            }

            side = (int)(side * Math.Sqrt((double)bytes / data.Size) * 1.02);
        }
    }

    /// <summary>This process's resident memory from /proc (Linux), and its peak since the last reset.</summary>
    private static class Memory
    {
        public static long Resident => Read("VmRSS:");

        public static long Peak => Read("VmHWM:");

        // Writing 5 to clear_refs resets the peak (VmHWM) to the current resident size.
        public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

        private static long Read(string field) =>
            long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim().Split(' ')[0],
                System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}

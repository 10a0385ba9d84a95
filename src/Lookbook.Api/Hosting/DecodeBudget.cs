using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Lookbook.Api.Hosting;

/// <summary>
/// The pixels all uploads may hold decoded at once (<see cref="ApiOptions.DecodeBudgetPixels"/>). A search takes its
/// photo's decode cost (<see cref="Lookbook.Vision.Images.ImageDecoder.DecodeCost"/>) for as long as the decoded photo
/// lives; when the budget is spent it waits its turn for up to <see cref="ApiOptions.DecodeQueueSeconds"/>, then is
/// told to come back (503, Retry-After). A photo costing more than the whole budget takes all of it, alone.
/// </summary>
internal sealed class DecodeBudget : IDisposable
{
    // Permits count kilopixels: the limiter counts in int, and 1,024 pixels is far finer than any decision here.
    private const long PixelsPerPermit = 1024;

    private readonly ConcurrencyLimiter _limiter;
    private readonly TimeSpan _queueTime;
    private readonly int _permits;

    public DecodeBudget(IOptions<ApiOptions> options)
    {
        _permits = (int)Math.Max(1, options.Value.DecodeBudgetPixels / PixelsPerPermit);
        _queueTime = TimeSpan.FromSeconds(options.Value.DecodeQueueSeconds);
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _permits,
            // The queue counts permits too: room for 64 whole budgets of waiting photos; the wait time is the real bound.
            QueueLimit = (int)Math.Min(int.MaxValue, _permits * 64L),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>How long a refused client should wait before trying again.</summary>
    public static TimeSpan RetryAfter { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Room for a decode costing <paramref name="pixels"/>; null when none came free in time (answer 503).</summary>
    public async Task<RateLimitLease?> AcquireAsync(long pixels, CancellationToken cancellationToken)
    {
        var permits = (int)Math.Clamp((pixels + PixelsPerPermit - 1) / PixelsPerPermit, 1, _permits);
        var lease = _limiter.AttemptAcquire(permits);
        if (lease.IsAcquired || _queueTime <= TimeSpan.Zero)
        {
            return lease.IsAcquired ? lease : Refused(lease);
        }

        lease.Dispose();
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(_queueTime);
        try
        {
            lease = await _limiter.AcquireAsync(permits, wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null; // waited long enough
        }

        return lease.IsAcquired ? lease : Refused(lease);
    }

    private static RateLimitLease? Refused(RateLimitLease lease)
    {
        lease.Dispose();
        return null;
    }

    /// <summary>
    /// Decodes an uploaded photo within the budget: its header says what the decode costs (a decompression bomb is
    /// refused before any pixel is allocated), the decode waits for that share, and the share is given back as soon as
    /// <paramref name="decode"/> has shrunk the photo. A photo that finds no room in time is a 503 with Retry-After.
    /// </summary>
    public async Task<(SkiaSharp.SKBitmap? Bitmap, Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Problem)> DecodeAsync(
        HttpContext context, ReadOnlyMemory<byte> photo, ApiOptions options, int shortSide, Func<ReadOnlyMemory<byte>, SkiaSharp.SKBitmap> decode,
        CancellationToken cancellationToken)
    {
        var cost = Lookbook.Vision.Images.ImageDecoder.DecodeCost(
            photo.Span, new Lookbook.Vision.Images.ImageLimits(options.MaxUploadBytes, options.MaxUploadPixels), shortSide);
        using var room = await AcquireAsync(cost, cancellationToken);
        if (room is null)
        {
            Lookbook.Catalog.Telemetry.LookbookTelemetry.DecodeRefusals.Add(1);
            context.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (null, Problems.Create(StatusCodes.Status503ServiceUnavailable, "Server busy",
                "The server is decoding as many photos as its memory allows; send this one again in a moment."));
        }

        return (decode(photo), null);
    }

    public void Dispose() => _limiter.Dispose();
}

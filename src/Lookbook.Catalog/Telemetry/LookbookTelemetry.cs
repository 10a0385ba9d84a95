using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Lookbook.Catalog.Telemetry;

/// <summary>
/// Lookbook's own metrics and traces, in one place: the "Lookbook" <see cref="Meter"/> and <see cref="ActivitySource"/>
/// that the server's OpenTelemetry pipeline listens to (see Lookbook.Api's <c>TelemetrySetup</c>). Static, as
/// System.Diagnostics intends for a library: with no listener, recording costs next to nothing.
/// </summary>
public static class LookbookTelemetry
{
    public const string Name = "Lookbook";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>A photo search's time in each stage: decode, embed (queue and model run), rank.</summary>
    public static readonly Histogram<double> SearchStageDuration = Meter.CreateHistogram<double>(
        "lookbook.photo_search.stage.duration", unit: "s", description: "Time a photo search spends in each stage (decode, embed, rank).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    /// <summary>Images per model run of the server's micro-batcher.</summary>
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "lookbook.embedding.batch.size", unit: "{image}", description: "Images embedded together in one model run.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32] });

    /// <summary>Images an import handled, by outcome (embedded, unchanged, skipped): its rate is the import's throughput.</summary>
    public static readonly Counter<long> ImportedImages = Meter.CreateCounter<long>(
        "lookbook.import.images", unit: "{image}", description: "Images handled by imports, by outcome.");

    /// <summary>Photo searches refused because the decode budget stayed spent (503).</summary>
    public static readonly Counter<long> DecodeRefusals = Meter.CreateCounter<long>(
        "lookbook.decode.refused", unit: "{request}", description: "Photo searches answered 503 because the decode budget stayed spent.");

    /// <summary>Times <paramref name="stage"/> of a photo search (a span and a histogram sample); dispose to stop.</summary>
    public static StageTimer Stage(string stage) => new(stage, Source.StartActivity(stage));

    /// <summary>One stage being timed.</summary>
    public readonly struct StageTimer(string stage, Activity? activity) : IDisposable
    {
        private readonly long _started = Stopwatch.GetTimestamp();

        public void Dispose()
        {
            SearchStageDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, new KeyValuePair<string, object?>("stage", stage));
            activity?.Dispose();
        }
    }
}

using System.Diagnostics;
using Lookbook.Catalog.Sources;
using Lookbook.Learning;
using Lookbook.Search;
using Lookbook.Vision.Images;
using Lookbook.Vision.Synthesis;

namespace Lookbook.Evaluation;

/// <summary>Category precision@10 of queries changed one way, as served (threshold included: "no good match" scores 0).</summary>
public sealed record TransformedQueryScores(QueryTransform Transform, int Queries, double PrecisionAt10, double NoGoodMatchRate);

/// <summary>How search holds up when the same queries are rotated, noisy, blurred, cropped or photographed (<see cref="QueryTransforms"/>).</summary>
public sealed record TransformedQueryReport(string Setup, IReadOnlyList<TransformedQueryScores> Transforms, double Seconds);

/// <summary>
/// Searches each query image as it is and changed each way, through the live photo search (polarity, localization,
/// category steering and the no-good-match cut), and scores what a shopper would see.
/// </summary>
public sealed class TransformedQueryEvaluator(PhotoSearch search)
{
    private const int K = 10;

    public TransformedQueryReport Evaluate(ICatalogSource queries, int limit, int seed, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var items = queries.ReadEntries().Where(e => e.Item?.ImageBytes is not null).Select(e => e.Item!).Take(limit).ToList();
        var scores = new List<TransformedQueryScores>();
        foreach (var transform in Enum.GetValues<QueryTransform>())
        {
            progress?.Report($"Searching {items.Count:N0} {transform} queries…");
            double precision = 0, noMatch = 0;
            for (var i = 0; i < items.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var photo = QueryTransforms.Apply(items[i].ImageBytes!, transform, Seeds.Mix(seed, i, 71));
                try
                {
                    var result = search.Search(photo, new SearchRequest(K));
                    noMatch += result.NoGoodMatch ? 1 : 0;
                    precision += result.Hits.Count(h => h.Product.Category == items[i].Category) / (double)K;
                }
                catch (ImageRejectedException)
                {
                    // An unreadable query scores nothing, as a shopper would get nothing.
                }
            }

            var n = Math.Max(1, items.Count);
            scores.Add(new TransformedQueryScores(transform, items.Count, precision / n, noMatch / n));
        }

        return new TransformedQueryReport($"{items.Count:N0} query images from {queries.Name}, each as it is and changed five ways (seed {seed})", scores, clock.Elapsed.TotalSeconds);
    }

}

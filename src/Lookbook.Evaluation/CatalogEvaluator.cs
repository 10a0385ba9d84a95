using System.Diagnostics;
using Lookbook.Catalog;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Index;
using Lookbook.Learning;
using Lookbook.Search;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Microsoft.Extensions.Options;

namespace Lookbook.Evaluation;

/// <summary>
/// Measures classification and retrieval on held-out data, through the same search path shoppers use.
/// Relevant = same category as the query.
/// </summary>
public sealed class CatalogEvaluator(CatalogDatabase database, IImageEmbedder embedder, SearchableCatalogProvider catalogs, PhotoSearch search, IOptions<SearchOptions> options)
{
    public static readonly int[] Cutoffs = [1, 5, 10, 20];

    /// <summary>Product attributes that retrieval is also measured by when the catalog has them (Kaggle's styles.csv does).</summary>
    public static readonly string[] Facets = ["subCategory", "baseColour"];

    /// <summary>Queries from a source (e.g. Fashion-MNIST's official test set) against the whole catalog, with the trained head.</summary>
    public EvaluationReport EvaluateQueries(ICatalogSource queries, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        TrainedHead? head;
        using (var lease = catalogs.Acquire())
        {
            search.EnsureCompatible(lease.Catalog); // before the work: vectors of another model would measure nothing
            head = lease.Catalog.Head;
        }

        var items = queries.ReadEntries().Where(e => e.Item is not null).Select(e => e.Item!).ToList();
        progress?.Report($"Embedding {items.Count:N0} query images…");
        var embedClock = Stopwatch.StartNew();
        var embedded = EmbedAll(items, describeColour: head?.Colour is { DescriptorSize: > 0 }, cancellationToken);
        var embedMs = embedClock.Elapsed.TotalMilliseconds / Math.Max(1, items.Count);

        var counts = database.GetStats().Categories.ToDictionary(c => c.Category, c => c.Products, StringComparer.Ordinal);
        var labelled = items.Zip(embedded).Where(x => x.Second is not null)
            .Select(x => new Query(x.First.Category, x.First.Attributes, x.Second!.Value.Vector, x.Second!.Value.Colour)).ToList();
        progress?.Report($"Searching {labelled.Count:N0} queries against {counts.Values.Sum():N0} products…");
        IReadOnlyList<Product> gallery;
        using (var lease = catalogs.Acquire())
        {
            gallery = [.. lease.Catalog.Products];
        }

        var report = Measure(labelled, counts, gallery, q => search.SearchByVector(q.Vector, new SearchRequest(Cutoffs.Max()), applyNoMatch: false, q.Colour), head,
            $"{labelled.Count:N0} query images from {queries.Name} against the catalog {database.Path}", embedMs, clock);
        return report;
    }

    /// <summary>
    /// A held-out split of the catalog itself: a head is trained on the rest (no augmentation, for speed)
    /// and the held-out products are the queries against the rest. The saved head is not touched.
    /// </summary>
    public EvaluationReport EvaluateHoldout(double fraction, int seed, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var items = database.ReadVectors(cancellationToken).ToList();
        var split = DatasetSplit.Stratified(items, fraction, seed);
        var inner = DatasetSplit.Stratified(split.Train, 0.1, seed);
        progress?.Report($"Training a head on {split.Train.Count:N0} products to evaluate {split.Validation.Count:N0} held-out ones…");
        var labelOf = inner.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var trained = MlpTrainer.Train(inner.Classes, inner.Train.Select(i => i.Vector).ToList(), inner.Train.Select(i => labelOf[i.Category]).ToList(),
            inner.Validation.Select(i => i.Vector).ToList(), inner.Validation.Select(i => labelOf[i.Category]).ToList(), new TrainingOptions(), cancellationToken: cancellationToken);
        TrainedHead? saved;
        using (var lease = catalogs.Acquire())
        {
            saved = lease.Catalog.Head;
        }

        var products = database.GetProducts(split.Train.Select(i => i.ProductId).ToList(), cancellationToken);
        // Catalog shots' colour descriptors, when the saved colour head reads them: the held-out products' are their queries'.
        var descriptors = saved?.Colour is { DescriptorSize: > 0 }
            ? CatalogColours.Describe(database, embedder.Preparer, [.. items.Select(i => i.ProductId)], cancellationToken)
            : [];
        var head = new TrainedHead(trained.Head, embedder.Profile.Fingerprint, saved?.RetrievalSpace ?? RetrievalSpace.Raw,
            saved?.CategoryBoost ?? 0.1f, 0, new HeadMetrics(0, 0, 0, 0, inner.Train.Count, inner.Validation.Count, 0, trained.BestEpoch, 0),
            new TrainingOptions(), DateTimeOffset.UtcNow)
        {
            // Learned by `lookbook train` from shopper photos of the whole catalog's training split, which may include some
            // of these held-out products; it learned photo-to-shot matching, not their categories.
            Projection = saved?.Projection,
            // Tells studio shots from phone photos (learned by `lookbook train`, not from these products' categories).
            Shots = saved?.Shots,
            CatalogShotRawWeight = saved?.CatalogShotRawWeight,
            CatalogShotCategoryBoost = saved?.CatalogShotCategoryBoost,
            Colour = HoldoutColourHead(inner, products, saved?.Colour, descriptors, cancellationToken),
        };

        var index = new ExactVectorIndex(head.SearchDimension, split.Train.Count);
        foreach (var item in split.Train)
        {
            index.Upsert(item.ProductId, head.ToSearchSpace(item.Vector));
        }

        using var catalog = new SearchableCatalog(products, index, head: head);
        var counts = split.Train.GroupBy(i => i.Category).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var held = database.GetProducts(split.Validation.Select(v => v.ProductId).ToList(), cancellationToken).ToDictionary(p => p.Id, StringComparer.Ordinal);
        var queries = split.Validation
            .Select(v => new Query(v.Category, held.TryGetValue(v.ProductId, out var p) ? p.Attributes : new Dictionary<string, string>(), v.Vector,
                descriptors.GetValueOrDefault(v.ProductId)))
            .ToList();
        return Measure(queries, counts, products,
            q => PhotoRanking.Run(catalog, options.Value.PredictedCategory, q.Vector, new SearchRequest(Cutoffs.Max()), applyNoMatch: false, q.Colour), head,
            $"held-out {fraction:P0} of the catalog {database.Path} ({split.Validation.Count:N0} products) against the other {split.Train.Count:N0}, seed {seed}",
            0, clock);
    }

    /// <summary>
    /// A colour head for the hold-out: learned, like the category head here, from the training side's catalog shots only (the
    /// saved one saw the held-out products' colours), searched with the weight and shown from the confidence that
    /// `lookbook train` chose, reading the colour descriptor when the saved one does. Null when the saved head has no colour head.
    /// </summary>
    private static ColourHead? HoldoutColourHead(
        DatasetSplit inner, IReadOnlyList<Product> products, ColourHead? saved, IReadOnlyDictionary<string, float[]> descriptors, CancellationToken cancellationToken)
    {
        if (saved is null)
        {
            return null;
        }

        var colourOf = products.ToDictionary(p => p.Id, p => p.Attributes.GetValueOrDefault(saved.Attribute), StringComparer.Ordinal);
        var colours = ColourHeadTrainer.Colours(inner.Train.Select(i => colourOf.GetValueOrDefault(i.ProductId)));
        if (colours.Count == 0)
        {
            return null;
        }

        // The saved head's input (vector, and descriptor when it reads one).
        List<(float[] Input, string? Colour)> Examples(IEnumerable<StoredVector> items) =>
            [.. items.Select(i => (Input: ColourHead.InputOf(i.Vector, descriptors.GetValueOrDefault(i.ProductId), saved.DescriptorSize), Colour: colourOf.GetValueOrDefault(i.ProductId)))
                .Where(e => e.Input is not null).Select(e => (e.Input!, e.Colour))];
        var trained = ColourHeadTrainer.Train(colours, Examples(inner.Train), Examples(inner.Validation), new TrainingOptions(), cancellationToken: cancellationToken);
        return new ColourHead(trained.Head, saved.Attribute, saved.Boost, saved.ConfidenceThreshold) { DescriptorSize = saved.DescriptorSize };
    }

    private EvaluationReport Measure(
        IReadOnlyList<Query> queries,
        IReadOnlyDictionary<string, int> relevantCounts,
        IReadOnlyList<Product> gallery,
        Func<Query, PhotoSearchResult> run,
        TrainedHead? head,
        string setup,
        double embedMs,
        Stopwatch clock)
    {
        var sums = Cutoffs.ToDictionary(k => k, _ => new double[4]);
        var pairs = new List<(string Truth, string Predicted)>();
        var searchClock = Stopwatch.StartNew();
        var belowThreshold = 0;
        var facets = new FacetMeter(gallery, queries.Count);
        var colours = new List<(ColourPrediction Prediction, string Truth)>();
        foreach (var query in queries)
        {
            var (category, attributes) = (query.Category, query.Attributes);
            var result = run(query);
            facets.Add(attributes, result.Hits);
            if (result.Colour is { } colour && attributes.GetValueOrDefault(head!.Colour!.Attribute) is { } truth)
            {
                colours.Add((colour, truth));
            }

            if (result.Prediction is { } prediction)
            {
                pairs.Add((category, prediction.Category));
            }

            if (head is not null && result.BestSimilarity < head.NoMatchThreshold)
            {
                belowThreshold++;
            }

            var ranked = result.Hits.Select(h => h.Product.Category).ToList();
            var relevant = relevantCounts.GetValueOrDefault(category);
            foreach (var k in Cutoffs)
            {
                sums[k][0] += RetrievalMetrics.PrecisionAtK(ranked, category, k);
                sums[k][1] += RetrievalMetrics.RecallAtK(ranked, category, k, relevant);
                sums[k][2] += RetrievalMetrics.AveragePrecisionAtK(ranked, category, k, relevant);
                sums[k][3] += RetrievalMetrics.NdcgAtK(ranked, category, k, relevant);
            }
        }

        var searchMs = searchClock.Elapsed.TotalMilliseconds / Math.Max(1, queries.Count);
        var n = Math.Max(1, queries.Count);
        var classes = (head?.Head.Classes ?? []).Where(c => c != MlpHead.NoProduct).ToList(); // predictions name products only
        var classification = head is null || pairs.Count == 0
            ? null
            : ClassificationReport.From(classes.Union(pairs.Select(p => p.Truth)).Distinct().ToList(), pairs);
        return new EvaluationReport(
            setup,
            embedder.Profile.Description,
            head is null ? null : $"MLP {head.Head.InputSize}→{head.Head.HiddenSize}→{head.Head.Classes.Count}, search in {head.RetrievalSpace} space, category boost {head.CategoryBoost}",
            queries.Count,
            relevantCounts.Values.Sum(),
            classification,
            Cutoffs.Select(k => new RetrievalScores(k, sums[k][0] / n, sums[k][1] / n, sums[k][2] / n, sums[k][3] / n)).ToList(),
            facets.Scores(),
            head is null ? 0 : (double)belowThreshold / n,
            new EvaluationTimings(clock.Elapsed.TotalSeconds, embedMs, searchMs),
            DateTimeOffset.UtcNow)
        {
            ColourPrediction = colours.Count == 0 ? null : ColourScores(head!.Colour!.Attribute, colours),
        };
    }

    private static ColourPredictionScores ColourScores(string attribute, IReadOnlyList<(ColourPrediction Prediction, string Truth)> colours)
    {
        var shown = colours.Where(c => c.Prediction.IsConfident).ToList();
        return new ColourPredictionScores(attribute, colours.Count,
            colours.Average(c => c.Prediction.Colour == c.Truth ? 1.0 : 0.0),
            shown.Count / (double)colours.Count,
            shown.Count == 0 ? 0 : shown.Average(c => c.Prediction.Colour == c.Truth ? 1.0 : 0.0));
    }

    /// <summary>Each item's vector and, with <paramref name="describeColour"/>, colour descriptor (null: unreadable).</summary>
    private (float[] Vector, float[]? Colour)?[] EmbedAll(IReadOnlyList<SourceItem> items, bool describeColour, CancellationToken cancellationToken)
    {
        var vectors = new (float[] Vector, float[]? Colour)?[items.Count];
        for (var start = 0; start < items.Count; start += 32)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(32, items.Count - start);
            var prepared = new PreparedImage?[count];
            Parallel.For(0, count, i =>
            {
                var item = items[start + i];
                try
                {
                    prepared[i] = embedder.Preparer.Prepare(item.ImageBytes ?? File.ReadAllBytes(item.ImagePath!));
                }
                catch (Exception e) when (e is ImageRejectedException or IOException)
                {
                    prepared[i] = null; // an unreadable query is left out
                }
            });
            var usable = Enumerable.Range(0, count).Where(i => prepared[i] is not null).ToList();
            var embedded = usable.Count == 0 ? [] : embedder.Embed(usable.Select(i => prepared[i]!).ToList());
            for (var u = 0; u < usable.Count; u++)
            {
                vectors[start + usable[u]] = (embedded[u], describeColour ? embedder.Preparer.DescribeColour(prepared[usable[u]]!) : null);
                prepared[usable[u]]!.Dispose();
            }
        }

        return vectors;
    }

    /// <param name="Colour">The query image's colour descriptor (null: not at hand).</param>
    private sealed record Query(string Category, IReadOnlyDictionary<string, string> Attributes, float[] Vector, float[]? Colour);

    /// <summary>Precision@10 and mAP@10 where "relevant" means the same value of an attribute (sub-category, colour).</summary>
    private sealed class FacetMeter(IReadOnlyList<Product> gallery, int queries)
    {
        private const int K = 10;
        private readonly Dictionary<string, Dictionary<string, int>> _counts = Facets
            .Where(f => gallery.Count > 0 && gallery.Count(p => p.Attributes.ContainsKey(f)) >= gallery.Count / 2)
            .ToDictionary(f => f, f => gallery.Where(p => p.Attributes.ContainsKey(f)).GroupBy(p => p.Attributes[f]).ToDictionary(g => g.Key, g => g.Count()));

        private readonly Dictionary<string, (double Precision, double Map, int Queries)> _sums = [];

        public void Add(IReadOnlyDictionary<string, string> attributes, IReadOnlyList<SearchHit> hits)
        {
            foreach (var (facet, counts) in _counts)
            {
                if (!attributes.TryGetValue(facet, out var truth))
                {
                    continue;
                }

                var ranked = hits.Select(h => h.Product.Attributes.GetValueOrDefault(facet) ?? "").ToList();
                var relevant = counts.GetValueOrDefault(truth);
                var (precision, map, n) = _sums.GetValueOrDefault(facet);
                _sums[facet] = (precision + RetrievalMetrics.PrecisionAtK(ranked, truth, K), map + RetrievalMetrics.AveragePrecisionAtK(ranked, truth, K, relevant), n + 1);
            }
        }

        public IReadOnlyList<FacetScores> Scores() =>
            [.. _sums.Where(s => s.Value.Queries >= queries / 2).Select(s => new FacetScores(s.Key, K, s.Value.Precision / s.Value.Queries, s.Value.Map / s.Value.Queries))];
    }
}

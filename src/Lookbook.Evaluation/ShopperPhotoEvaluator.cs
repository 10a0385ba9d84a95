using System.Diagnostics;
using Lookbook.Catalog;
using Lookbook.Catalog.Storage;
using Lookbook.Learning;
using Lookbook.Learning.Localization;
using Lookbook.Search;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Lookbook.Vision.Synthesis;

namespace Lookbook.Evaluation;

/// <summary>How photo search fares on shopper-like photos of catalog products at one strength.</summary>
/// <param name="RecallAt1">Share of photos whose own product comes first (ranked as if no threshold applied).</param>
/// <param name="RecallAt10">Share whose own product is among the first ten.</param>
/// <param name="MrrAt10">Mean reciprocal rank of the own product within the first ten (0 when it is not there).</param>
/// <param name="CategoryPrecisionAt10">Share of the first ten that have the product's category.</param>
/// <param name="NoGoodMatchRate">Share answered "no good match" as served (0 without a trained head: there is no threshold).</param>
/// <param name="OtherParameters">Photos drawn from synthesiser ranges that training never uses.</param>
public sealed record ShopperPhotoScores(
    ShopperPhotoStrength Strength, int Photos, double RecallAt1, double RecallAt10, double MrrAt10, double CategoryPrecisionAt10, double NoGoodMatchRate,
    bool OtherParameters = false)
{
    /// <summary>The part of <see cref="NoGoodMatchRate"/> turned away because the head saw no product at all (the rest: no product similar enough).</summary>
    public double NoProductRate { get; init; }

    /// <summary>How a report names the row: "Medium", or "Medium, other parameters".</summary>
    public string Name => OtherParameters ? $"{Strength}, other parameters" : Strength.ToString();
}

/// <summary>Shopper-like photos of catalog products, and images with no fashion item in them.</summary>
/// <param name="UnrelatedNoGoodMatchRate">Share of unrelated images answered "no good match"; null without a trained head.</param>
public sealed record ShopperPhotoReport(string Setup, IReadOnlyList<ShopperPhotoScores> Strengths, int UnrelatedImages, double? UnrelatedNoGoodMatchRate, double Seconds)
{
    /// <summary>Photos of two products side by side (shop the look); null when not measured or nothing is localised.</summary>
    public OutfitScores? Outfits { get; init; }
}

/// <summary>Shop the look: photos of two catalog products side by side (mild strength), each detected item searched in turn.</summary>
/// <param name="ItemsFound">Share of photos on which at least two items were found.</param>
/// <param name="ProductRecallAt10">Share of the photos' products that are among the first ten results of one of the photo's items.</param>
public sealed record OutfitScores(int Photos, double ItemsFound, double ProductRecallAt10);

/// <summary>
/// Measures what shoppers get when they photograph a catalog product: each sampled product becomes one synthesised photo
/// per strength (<see cref="ShopperPhotoSynthesizer"/>, seeded), searched through the live ranking (predicted category,
/// boost, threshold), and one more at medium strength from ranges training never draws from; plus generated images of
/// no product at all, which should be answered "no good match".
/// </summary>
public sealed class ShopperPhotoEvaluator(CatalogDatabase database, IImageEmbedder embedder, SearchableCatalogProvider catalogs, PhotoSearch search)
{
    private const int K = 10;

    public ShopperPhotoReport Evaluate(
        int products, int unrelated, int seed, IReadOnlyList<ShopperPhotoStrength>? strengths = null, IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        strengths ??= Enum.GetValues<ShopperPhotoStrength>();
        TrainedHead? head;
        List<Product> sample;
        using (var lease = catalogs.Acquire())
        {
            search.EnsureCompatible(lease.Catalog);
            head = lease.Catalog.Head;
            var random = new Random(seed);
            sample = [.. lease.Catalog.Products.OrderBy(p => p.Id, StringComparer.Ordinal).OrderBy(_ => random.Next()).Take(products)];
        }

        var images = sample.Select(p => (Product: p, Bytes: database.ReadImageBytes(p.Id))).Where(x => x.Bytes is not null).ToList();
        var scores = new List<ShopperPhotoScores>();
        var runs = strengths.Select(s => (Strength: s, Other: false)).ToList();
        if (strengths.Contains(ShopperPhotoStrength.Medium))
        {
            runs.Add((ShopperPhotoStrength.Medium, true));
        }

        foreach (var (strength, other) in runs)
        {
            progress?.Report($"Searching with {images.Count:N0} {strength.ToString().ToLowerInvariant()} shopper photos{(other ? " (other parameters)" : "")}…");
            var photos = images.Select((x, i) => ShopperPhotoSynthesizer.Photo(x.Bytes, strength, other ? Seeds.Mix(seed, i, (int)strength, 1) : Seeds.Mix(seed, i, (int)strength), other)).ToList();
            var located = embedder.LocateAll(photos, head?.Locator, describeColour: head?.Colour is { DescriptorSize: > 0 }, head?.NegativeCatalog ?? false, cancellationToken);
            double top1 = 0, top10 = 0, reciprocal = 0, categoryPrecision = 0, noMatch = 0, noProduct = 0;
            for (var i = 0; i < images.Count; i++)
            {
                var product = images[i].Product;
                var photo = located[i] ?? throw new InvalidDataException($"Shopper photo {i} could not be decoded.");
                var result = search.SearchByVector(photo.Vector, new SearchRequest(K), applyNoMatch: false, photo.Colour);
                var rank = result.Hits.Select(h => h.Product.Id).ToList().IndexOf(product.Id);
                top1 += rank == 0 ? 1 : 0;
                top10 += rank >= 0 ? 1 : 0;
                reciprocal += rank >= 0 ? 1.0 / (rank + 1) : 0;
                categoryPrecision += result.Hits.Count(h => h.Product.Category == product.Category) / (double)K;
                if (head is not null && search.SearchByVector(photo.Vector, new SearchRequest(K), colourDescriptor: photo.Colour) is { NoGoodMatch: true } turnedAway)
                {
                    noMatch++;
                    noProduct += turnedAway.Prediction is null ? 1 : 0; // no prediction: the head saw no product
                }
            }

            var n = Math.Max(1, images.Count);
            scores.Add(new ShopperPhotoScores(strength, images.Count, top1 / n, top10 / n, reciprocal / n, categoryPrecision / n, noMatch / n, other) { NoProductRate = noProduct / n });
        }

        double? unrelatedRate = null;
        if (head is not null && unrelated > 0)
        {
            progress?.Report($"Searching with {unrelated:N0} images of no product…");
            var vectors = embedder.EmbedPhotosAsServed(
                [.. Enumerable.Range(0, unrelated).Select(i => ShopperPhotoSynthesizer.Unrelated(Seeds.Mix(seed, -1, i)))], head.Locator, head.NegativeCatalog, cancellationToken);
            unrelatedRate = vectors.Count(v => search.SearchByVector(v, new SearchRequest(K)).NoGoodMatch) / (double)unrelated;
        }

        var outfits = head?.Locator is null ? null : Outfits(images.Select(x => (x.Product, x.Bytes!)).ToList(), seed, progress, cancellationToken);
        return new ShopperPhotoReport(
            $"{images.Count:N0} catalog products of {database.Path}, one synthesised shopper photo each per strength, seed {seed}; {unrelated:N0} images of no product",
            scores, unrelated, unrelatedRate, clock.Elapsed.TotalSeconds)
        { Outfits = outfits };
    }

    /// <summary>Pairs of sampled products in one photo; every item found is searched as a shopper tapping it would.</summary>
    private OutfitScores? Outfits(IReadOnlyList<(Product Product, byte[] Bytes)> images, int seed, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var pairs = Enumerable.Range(0, Math.Min(MaxOutfits, images.Count / 2)).Select(i => (images[2 * i], images[(2 * i) + 1])).ToList();
        if (pairs.Count == 0)
        {
            return null;
        }

        progress?.Report($"Shop the look: {pairs.Count:N0} photos of two products, each item searched…");
        int withBoth = 0, found = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (left, right) = pairs[i];
            var photo = ShopperPhotoSynthesizer.Outfit([left.Bytes, right.Bytes], ShopperPhotoStrength.Mild, Seeds.Mix(seed, i, 61));
            var first = search.Search(photo, new SearchRequest(K, SearchRequest.AnyCategory));
            withBoth += first.Items.Count >= 2 ? 1 : 0;
            var seen = new HashSet<string>(first.Hits.Select(h => h.Product.Id), StringComparer.Ordinal);
            for (var item = 1; item < first.Items.Count; item++)
            {
                seen.UnionWith(search.Search(photo, new SearchRequest(K, SearchRequest.AnyCategory, Item: item)).Hits.Select(h => h.Product.Id));
            }

            found += (seen.Contains(left.Product.Id) ? 1 : 0) + (seen.Contains(right.Product.Id) ? 1 : 0);
        }

        return new OutfitScores(pairs.Count, withBoth / (double)pairs.Count, found / (2.0 * pairs.Count));
    }

    private const int MaxOutfits = 100;
}

using Lookbook.Catalog.Telemetry;
using Lookbook.Catalog.Storage;
using Lookbook.Learning.Localization;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Lookbook.Search;

/// <summary>
/// Answers "which products look like this photo?": prepares and embeds the photo, ranks the current catalog
/// (<see cref="PhotoRanking"/>) and, for a known shopper, lets personalization re-rank the candidates.
/// </summary>
public sealed class PhotoSearch : IDisposable
{
    // A shopper's re-ranking picks from this many candidates per result wanted.
    private const int CandidatesPerResult = 5;

    private readonly SearchableCatalogProvider _catalogs;
    private readonly IImageEmbedder _embedder;
    private readonly SearchOptions _options;
    private readonly IPhotoSearchReranker? _reranker;

    // Created on the first server search only (the CLI embeds directly); Lazy guarantees a single loop.
    private readonly Lazy<EmbeddingBatcher> _batcher;

    /// <param name="options">Search settings (defaults when null).</param>
    /// <param name="reranker">Re-ranks a known shopper's results (none: every shopper gets the same results).</param>
    public PhotoSearch(SearchableCatalogProvider catalogs, IImageEmbedder embedder, IOptions<SearchOptions>? options = null, IPhotoSearchReranker? reranker = null)
    {
        _catalogs = catalogs;
        _embedder = embedder;
        _options = options?.Value ?? new SearchOptions();
        _reranker = reranker;
        _batcher = new Lazy<EmbeddingBatcher>(() => new EmbeddingBatcher(embedder), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The shortest side a photo is decoded at: twice the model's input, enough detail for a good downscale.</summary>
    public int DecodeShortSide => 2 * _embedder.Preparer.InputSize;

    /// <summary>Products that look like the photo, optionally only the given region of it (the CLI's path: one photo at a time).</summary>
    public PhotoSearchResult Search(ReadOnlySpan<byte> photo, SearchRequest request, NormalizedRect? region = null)
    {
        request.Validate();
        using var lease = _catalogs.Acquire();
        EnsureCompatible(lease.Catalog);
        using var bitmap = Decode(photo);
        var located = Locate(bitmap, region, request.Item, LocatorOf(lease.Catalog, region, request), ReadsColour(lease.Catalog), IsNegative(lease.Catalog),
            (prepared, look) => Task.FromResult((look ? _embedder.Look([prepared]) : _embedder.EmbedWithMaps([prepared]))[0])).GetAwaiter().GetResult();
        return Ranked(lease.Catalog, located, request);
    }

    /// <summary>
    /// <see cref="Search"/> for servers: the photo is decoded on the caller's thread, then embedded in a batch shared with
    /// concurrent searches (see <see cref="EmbeddingBatcher"/>) — twice when its garment is small in the frame and is
    /// searched on its own. A known <paramref name="shopperId"/>'s results are re-ranked by their history.
    /// </summary>
    public async Task<PhotoSearchResult> SearchAsync(
        ReadOnlyMemory<byte> photo, SearchRequest request, NormalizedRect? region = null, string? shopperId = null, CancellationToken cancellationToken = default)
    {
        using var bitmap = Decode(photo.Span);
        return await SearchAsync(bitmap, request, region, shopperId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The photo decoded as searches need it: upright, no larger than <see cref="DecodeShortSide"/> needs.</summary>
    public SKBitmap Decode(ReadOnlySpan<byte> photo)
    {
        using var timer = LookbookTelemetry.Stage("decode");
        return ImageDecoder.Decode(photo, _embedder.Preparer.Limits, minShortSide: DecodeShortSide);
    }

    /// <summary><see cref="SearchAsync(ReadOnlyMemory{byte}, SearchRequest, NormalizedRect?, string?, CancellationToken)"/> of a photo already decoded (<see cref="Decode"/>).</summary>
    public async Task<PhotoSearchResult> SearchAsync(
        SKBitmap photo, SearchRequest request, NormalizedRect? region = null, string? shopperId = null, CancellationToken cancellationToken = default)
    {
        request.Validate();
        PhotoLocator? locator;
        bool describeColour, negativeCatalog;
        using (var before = _catalogs.Acquire())
        {
            EnsureCompatible(before.Catalog); // a photo the catalog cannot be searched with is not worth a model run
            locator = LocatorOf(before.Catalog, region, request);
            describeColour = ReadsColour(before.Catalog);
            negativeCatalog = IsNegative(before.Catalog);
        }

        // No catalog is held while the photo waits for its batch: a swap meanwhile frees the old one sooner.
        LocatedPhoto located;
        using (LookbookTelemetry.Stage("embed"))
        {
            located = await Locate(photo, region, request.Item, locator, describeColour, negativeCatalog, (prepared, look) => _batcher.Value.EmbedAsync(prepared, look, cancellationToken)).ConfigureAwait(false);
        }

        using var ranking = LookbookTelemetry.Stage("rank");

        using var lease = _catalogs.Acquire();
        var catalog = lease.Catalog;
        EnsureCompatible(catalog);
        var bonus = shopperId is null ? null : _reranker?.BonusFor(shopperId, catalog);
        if (bonus is null)
        {
            return Ranked(catalog, located, request);
        }

        var wide = Ranked(catalog, located, request with { K = Math.Min(1000, request.K * CandidatesPerResult) });
        var reranked = wide.Hits
            .Select((hit, rank) => (Hit: hit, Rank: rank, Score: hit.Similarity + bonus(hit)))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Rank)
            .Take(request.K)
            .Select(x => x.Hit)
            .ToList();
        return wide with { Hits = reranked };
    }

    /// <summary>
    /// The catalog's locator, unless the shopper cropped the photo themselves (their crop is what they want searched).
    /// Throws <see cref="ItemNotFoundException"/> when an item is asked for where items cannot be found.
    /// </summary>
    private static PhotoLocator? LocatorOf(SearchableCatalog catalog, NormalizedRect? region, SearchRequest request)
    {
        var locator = region is null ? catalog.Head?.Locator : null;
        if (request.Item is not null && locator is null)
        {
            throw new ItemNotFoundException(region is not null
                ? "item and crop cannot be combined: the crop already says what to search."
                : "item needs detected items, and this catalog has no localization: train its head (lookbook train) with 224-px embeddings.");
        }

        return locator;
    }

    /// <summary>Whether the catalog's colour head reads a photo's colour descriptor (then search computes it).</summary>
    private static bool ReadsColour(SearchableCatalog catalog) => catalog.Head?.Colour is { DescriptorSize: > 0 };

    /// <summary>Whether the catalog stores negatives on black, so that a photo on a light surface is searched as one of them.</summary>
    private static bool IsNegative(SearchableCatalog catalog) => catalog.Head?.NegativeCatalog ?? false;

    /// <summary>
    /// Embeds the photo (or the shopper's region of it) and, with a locator, finds its items and embeds the searched one;
    /// with <paramref name="describeColour"/>, the colour descriptor of the image searched too. In a
    /// <paramref name="negativeCatalog"/>, a photo on a light surface is read as the catalog would store it (as training does).
    /// </summary>
    private async Task<LocatedPhoto> Locate(
        SKBitmap photo, NormalizedRect? region, int? item, PhotoLocator? locator, bool describeColour, bool negativeCatalog, Func<PreparedImage, bool, Task<EmbeddedImage>> embed)
    {
        using var matched = photo.MatchedTo(negativeCatalog);
        var bitmap = matched ?? photo;
        // The colours are described from the image that is searched: the whole photo, or the crop when there is one.
        float[]? Colour(PreparedImage searched) => describeColour ? _embedder.Preparer.DescribeColour(searched) : null;
        if (locator is null)
        {
            using var prepared = _embedder.Preparer.Prepare(bitmap, region);
            var whole = await embed(prepared, false).ConfigureAwait(false);
            return new LocatedPhoto(whole.Vector, [], null) { Colour = Colour(prepared) };
        }

        // A locator never runs on a shopper's own region. An int8 look (at photos larger than the model's input) reads a
        // quickly prepared photo, its vector is never searched; a float32 look's vector is, when nothing is cropped.
        var looksApart = _embedder.LooksApartAt(bitmap);
        using var looked = looksApart ? _embedder.Preparer.PrepareForLook(bitmap) : _embedder.Preparer.Prepare(bitmap);
        var first = await embed(looked, looksApart).ConfigureAwait(false);
        var plan = locator.Plan(first, looked.Frame, item);
        if (plan.Crop is null && !looksApart)
        {
            return locator.Finish(plan, first, searchedVector: null) with { Colour = Colour(looked) };
        }

        // The crop, or after an int8 look the whole photo.
        using var searched = _embedder.Preparer.Prepare(bitmap, plan.Crop);
        var searchedVector = (await embed(searched, false).ConfigureAwait(false)).Vector;
        return locator.Finish(plan, first, searchedVector) with { Colour = Colour(searched) };
    }

    private PhotoSearchResult Ranked(SearchableCatalog catalog, LocatedPhoto located, SearchRequest request) =>
        PhotoRanking.Run(catalog, _options.PredictedCategory, located.Vector, request, colourDescriptor: located.Colour) with { Items = located.Items, SearchedItem = located.SearchedItem };

    /// <summary>
    /// Search with an already embedded photo (evaluation); <paramref name="applyNoMatch"/> false ranks even photos below
    /// the no-good-match threshold.
    /// </summary>
    public PhotoSearchResult SearchByVector(float[] vector, SearchRequest request, bool applyNoMatch = true, float[]? colourDescriptor = null)
    {
        request.Validate();
        using var lease = _catalogs.Acquire();
        return PhotoRanking.Run(lease.Catalog, _options.PredictedCategory, vector, request, applyNoMatch, colourDescriptor);
    }

    /// <summary>Throws <see cref="EmbeddingMismatchException"/> when this model cannot make vectors comparable with the catalog's.</summary>
    public void EnsureCompatible(SearchableCatalog catalog)
    {
        if (catalog.Profile is { } stored && stored.Fingerprint != _embedder.Profile.Fingerprint)
        {
            throw new EmbeddingMismatchException(stored, _embedder.Profile.Description, _catalogs.Database.Path);
        }
    }

    public void Dispose()
    {
        if (_batcher.IsValueCreated)
        {
            _batcher.Value.Dispose();
        }
    }
}

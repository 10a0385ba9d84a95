using Lookbook.Catalog;

namespace Lookbook.Api.Contracts;

/// <summary>A product as a card in a result grid.</summary>
/// <param name="ImageUrl">Full-size image.</param>
/// <param name="ThumbnailUrl">Small image for grids (cached by ETag, the image hash).</param>
/// <param name="Facts">What a shop shows on a card, where the catalog has it: colour, gender, usage, brand.</param>
/// <param name="Price">The price as the catalog's price column gives it; null when it has none.</param>
public sealed record ProductCard(string Id, string Title, string Category, string ImageUrl, string ThumbnailUrl, IReadOnlyList<string> Facts, string? Price);

/// <summary>One line of a product page: a label a shopper reads and its value.</summary>
public sealed record ProductFact(string Label, string Value);

/// <summary>A product with its attributes.</summary>
/// <param name="Attributes">Every attribute as imported (their keys are what attr= filters on).</param>
/// <param name="Details">What the product page shows: known attributes under readable names, the importer's bookkeeping left out.</param>
public sealed record ProductDetail(
    string Id,
    string Title,
    string Category,
    IReadOnlyDictionary<string, string> Attributes,
    string ImageUrl,
    string ThumbnailUrl,
    int ImageWidth,
    int ImageHeight,
    IReadOnlyList<ProductFact> Details,
    string? Price);

/// <summary>A product found by visual similarity.</summary>
/// <param name="Similarity">Cosine similarity of the embeddings, 0..1 for these models.</param>
public sealed record SearchResult(int Rank, double Similarity, ProductCard Product);

/// <summary>The category the trained head sees in the photo.</summary>
/// <param name="Confidence">Its probability, 0..1.</param>
public sealed record PredictionResponse(string Category, double Confidence);

/// <summary>The colour the trained colour head sees in the photo ("looks like: Black Tshirts").</summary>
/// <param name="Confidence">Its probability, 0..1; only predictions confident enough to be right about 80% of the time are given.</param>
public sealed record ColourResponse(string Name, double Confidence);

/// <summary>The answer to a search.</summary>
/// <param name="Prediction">What the photo shows, when a classification head is trained.</param>
/// <param name="NoGoodMatch">True when even the best product is a poor match; results are then empty.</param>
/// <param name="Model">Which embedding configuration compared the images.</param>
/// <param name="TookMs">Server time spent, in milliseconds.</param>
/// <param name="Items">The garments found on the photo, best first (empty when none was found or the catalog has no localization); search another with item=index.</param>
/// <param name="SearchedItem">Index into Items of the one searched; null when the whole photo (or the given crop) was searched.</param>
/// <param name="Colour">The photo's colour when a colour head is trained and sure enough; otherwise null.</param>
/// <param name="MissingShards">On a cluster's front end, the shards that did not answer in time: the results are the best of the others. Null when all answered (and on a single node).</param>
public sealed record SearchResponse(
    IReadOnlyList<SearchResult> Results,
    PredictionResponse? Prediction,
    bool NoGoodMatch,
    string Model,
    double TookMs,
    IReadOnlyList<DetectedItemResponse>? Items = null,
    int? SearchedItem = null,
    ColourResponse? Colour = null,
    IReadOnlyList<int>? MissingShards = null);

/// <summary>A garment found on the photo.</summary>
/// <param name="Index">Pass as item= to search this one.</param>
/// <param name="Box">Where it is, in fractions of the photo (usable as crop= too).</param>
/// <param name="Category">What the trained head thinks it is.</param>
/// <param name="Confidence">The head's probability for that category, 0..1.</param>
/// <param name="Score">How sure localization is that this is a garment, 0..1.</param>
public sealed record DetectedItemResponse(int Index, BoxResponse Box, string? Category, double Confidence, double Score);

/// <summary>A rectangle in fractions 0..1 of the photo's width and height.</summary>
public sealed record BoxResponse(double X, double Y, double Width, double Height);

/// <summary>One page of products.</summary>
public sealed record ProductListResponse(IReadOnlyList<ProductCard> Items, int Page, int PageSize, int Total);

/// <summary>A category and how many products it has.</summary>
public sealed record CategoryResponse(string Name, int Products);

/// <summary>A new shopper profile. The token is shown once; keep it (browsers get it as a cookie).</summary>
public sealed record ProfileResponse(string UserId, string Token);

/// <summary>An event to record: kind is view, like, dislike, cart or purchase.</summary>
public sealed record EventRequest(string ProductId, string Kind);

/// <summary>The product ids the shopper likes, has marked "not for me", and has in the cart: what the page shows as pressed.</summary>
public sealed record ReactionsResponse(IReadOnlyList<string> Liked, IReadOnlyList<string> Disliked, IReadOnlyList<string> InCart);

/// <summary>One event of the shopper's history.</summary>
public sealed record HistoryItem(long Id, string Kind, DateTimeOffset At, string ProductId, ProductCard? Product);

/// <summary>A page of the shopper's history, newest first; <c>next</c> fetches the following page (null on the last one).</summary>
public sealed record HistoryResponse(string UserId, IReadOnlyList<HistoryItem> Events, string? NextCursor, string? Next);

/// <summary>A product recommended to the shopper and why.</summary>
public sealed record RecommendationItem(int Rank, double Score, string Explanation, ProductCard Product);

public sealed record RecommendationsResponse(IReadOnlyList<RecommendationItem> Results, bool Personalized);

/// <summary>What the shopper wants to see: only these categories and attribute values (empty: everything).</summary>
public sealed record PreferencesBody(IReadOnlyList<string>? Categories, IReadOnlyDictionary<string, string>? Attributes);

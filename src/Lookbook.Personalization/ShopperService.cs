using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lookbook.Catalog;
using Lookbook.Catalog.Storage;
using Lookbook.Search;
using Microsoft.Extensions.Options;

namespace Lookbook.Personalization;

/// <summary>A new shopper: the id, and the secret token that alone gives access to their history.</summary>
public sealed record ShopperToken(string UserId, string Token);

/// <summary>One event of a shopper's history, with the product when it is still in the catalog.</summary>
public sealed record HistoryEntry(long Id, string ProductId, Product? Product, InteractionKind Kind, DateTimeOffset At);

/// <summary>One page of a history, newest first; <see cref="Next"/> is where the next page starts (null on the last).</summary>
public sealed record HistoryPage(IReadOnlyList<HistoryEntry> Events, EventPosition? Next);

/// <summary>The products a shopper likes, has marked "not for me", and has in the cart.</summary>
public sealed record ShopperReactions(IReadOnlyList<string> Liked, IReadOnlyList<string> Disliked, IReadOnlyList<string> InCart);

/// <summary>Preferences that cannot be stored: too many, or empty names. Names the field.</summary>
public sealed class InvalidPreferencesException(string field, string message) : ArgumentException(message)
{
    public string Field { get; } = field;
}

/// <summary>A shopper id that does not exist.</summary>
public sealed class UnknownShopperException(string userId) : Exception($"No shopper with id '{userId}'.");

/// <summary>
/// Shoppers without passwords: a profile is a random id plus an unguessable token (only its SHA-256 is
/// stored), histories of events, and recommendations built from them.
/// </summary>
public sealed class ShopperService(CatalogDatabase database, SearchableCatalogProvider catalogs, IOptions<PersonalizationOptions> options, TimeProvider clock)
{
    // Everyone's engagement changes slowly; reading it once per recommendation would scan a table per page view.
    private static readonly TimeSpan PopularityLifetime = TimeSpan.FromSeconds(10);
    private readonly PersonalizationOptions _settings = options.Value;
    private PopularityReading? _popularity;

    public ShopperToken CreateShopper()
    {
        var userId = "u-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        database.CreateUser(userId, Hash(token));
        return new ShopperToken(userId, token);
    }

    /// <summary>The shopper a token belongs to, or null for a missing or unknown token.</summary>
    public string? Authenticate(string? token) => string.IsNullOrWhiteSpace(token) || token.Length > 200 ? null : database.FindUserByTokenHash(Hash(token));

    public static bool TryParseKind(string? value, out InteractionKind kind) =>
        Enum.TryParse(value, ignoreCase: true, out kind) && Enum.IsDefined(kind);

    /// <summary>Records an event; the product must exist.</summary>
    public void Record(string userId, string productId, InteractionKind kind)
    {
        if (database.GetProduct(productId) is null)
        {
            throw new ProductNotFoundException(productId);
        }

        // "Like" and "Not for me" exclude each other: the newer one takes the other back.
        string[]? replaces = kind switch
        {
            InteractionKind.Like => [Name(InteractionKind.Dislike)],
            InteractionKind.Dislike => [Name(InteractionKind.Like)],
            _ => null,
        };
        database.AddEvent(userId, productId, Name(kind), clock.GetUtcNow(), replaces);
    }

    /// <summary>The kinds a shopper can take back (un-like, "not for me" after all, out of the cart); views and purchases happened.</summary>
    public static bool CanTakeBack(InteractionKind kind) => kind is InteractionKind.Like or InteractionKind.Dislike or InteractionKind.Cart;

    /// <summary>Takes back the shopper's events of this kind on the product; idempotent.</summary>
    public int TakeBack(string userId, string productId, InteractionKind kind) =>
        CanTakeBack(kind) ? database.RemoveEvents(userId, productId, [Name(kind)]) : throw new ArgumentException($"A {Name(kind)} cannot be taken back.", nameof(kind));

    /// <summary>What the shopper currently likes, has set aside as "not for me", and has in the cart (within the history window).</summary>
    public ShopperReactions Reactions(string userId)
    {
        var rows = database.GetReactions(userId, [Name(InteractionKind.Like), Name(InteractionKind.Dislike), Name(InteractionKind.Cart)], options.Value.HistoryWindow);
        IReadOnlyList<string> Of(InteractionKind kind) => [.. rows.Where(r => r.Kind == Name(kind)).Select(r => r.ProductId).Order(StringComparer.Ordinal)];
        return new ShopperReactions(Of(InteractionKind.Like), Of(InteractionKind.Dislike), Of(InteractionKind.Cart));
    }

    private static string Name(InteractionKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>
    /// One page of the shopper's history, newest first: at most <paramref name="limit"/> events older than
    /// <paramref name="before"/> (the <see cref="HistoryPage.Next"/> of the page before), with the products still in the catalog.
    /// </summary>
    public HistoryPage History(string userId, int limit, EventPosition? before = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // One more than asked says whether a next page exists without counting the whole history.
        var events = database.GetEventsNewestFirst(userId, limit + 1, before);
        var page = events.Take(limit).ToList();
        var products = database.GetProducts(page.Select(e => e.ProductId).Distinct().ToList()).ToDictionary(p => p.Id);
        return new HistoryPage(
            page.Select(e => new HistoryEntry(e.Id, e.ProductId, products.GetValueOrDefault(e.ProductId), Parse(e.Kind), e.At)).ToList(),
            events.Count > limit ? page[^1].Position : null);
    }

    public int ClearHistory(string userId) => database.ClearEvents(userId);

    /// <summary>The categories and attribute values the shopper wants recommendations limited to.</summary>
    public ShopperPreferences GetPreferences(string userId)
    {
        var stored = database.GetPreferencesJson(userId) is { } json ? JsonSerializer.Deserialize<StoredPreferences>(json, Json) : null;
        return new ShopperPreferences(
            stored?.Categories is { Length: > 0 } categories ? new HashSet<string>(categories, StringComparer.OrdinalIgnoreCase) : null,
            stored?.Attributes is { Count: > 0 } attributes ? attributes : null);
    }

    /// <summary>
    /// Stores the shopper's preferences after checking them against the catalog: every category and attribute value
    /// must exist (a misspelt one would silently empty the recommendations) and there are at most
    /// <see cref="MaxPreferredCategories"/> categories and <see cref="MaxPreferredAttributes"/> attributes.
    /// Throws <see cref="InvalidPreferencesException"/>, <see cref="UnknownCategoryException"/> or <see cref="UnknownAttributeException"/>.
    /// </summary>
    public void SetPreferences(string userId, IReadOnlyCollection<string>? categories, IReadOnlyDictionary<string, string>? attributes)
    {
        var checkedPreferences = Check(categories, attributes);
        database.SetPreferencesJson(userId, JsonSerializer.Serialize(
            new StoredPreferences([.. checkedPreferences?.Categories ?? new HashSet<string>()], checkedPreferences?.Attributes?.ToDictionary() ?? []), Json));
    }

    /// <summary>Preferences sent with one request, checked like stored ones; null when there are none.</summary>
    public ShopperPreferences? Check(IReadOnlyCollection<string>? categories, IReadOnlyDictionary<string, string>? attributes)
    {
        categories ??= [];
        attributes ??= new Dictionary<string, string>();
        if (categories.Count > MaxPreferredCategories)
        {
            throw new InvalidPreferencesException("categories", $"At most {MaxPreferredCategories} categories; got {categories.Count}.");
        }

        if (attributes.Count > MaxPreferredAttributes)
        {
            throw new InvalidPreferencesException("attributes", $"At most {MaxPreferredAttributes} attributes; got {attributes.Count}.");
        }

        if (categories.FirstOrDefault(c => string.IsNullOrWhiteSpace(c) || c.Length > MaxNameLength) is { } badCategory)
        {
            throw new InvalidPreferencesException("categories", $"A category name must have 1 to {MaxNameLength} characters; got {badCategory.Length}.");
        }

        if (attributes.FirstOrDefault(a => string.IsNullOrWhiteSpace(a.Key) || a.Key.Length > MaxNameLength || a.Value is null || a.Value.Length > MaxNameLength)
            is { Key: not null } badAttribute)
        {
            throw new InvalidPreferencesException("attributes", $"An attribute name and value must have 1 to {MaxNameLength} characters ('{Shorten(badAttribute.Key)}').");
        }

        using var lease = catalogs.Acquire();
        foreach (var category in categories)
        {
            lease.Catalog.EnsureKnown(category, null);
        }

        lease.Catalog.EnsureKnown(null, attributes);
        return categories.Count == 0 && attributes.Count == 0
            ? null
            : new ShopperPreferences(
                categories.Count == 0 ? null : new HashSet<string>(categories, StringComparer.OrdinalIgnoreCase),
                attributes.Count == 0 ? null : new Dictionary<string, string>(attributes, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The most categories a shopper may prefer (a catalog rarely has more; the store had 100,000 from one shopper).</summary>
    public const int MaxPreferredCategories = 100;

    /// <summary>The most attribute values a shopper may prefer.</summary>
    public const int MaxPreferredAttributes = 20;

    private const int MaxNameLength = 200;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record StoredPreferences(string[]? Categories, Dictionary<string, string>? Attributes);

    /// <summary>True when the shopper has events to personalise with.</summary>
    public bool HasHistory(string userId) => database.HasEvents(userId);

    public IReadOnlyList<Recommendation> Recommend(string userId, int k, ShopperPreferences? preferences = null)
    {
        if (!database.UserExists(userId))
        {
            throw new UnknownShopperException(userId);
        }

        // Explicit preferences for this request win over the stored ones.
        using var lease = catalogs.Acquire();
        return new Recommender(lease.Catalog, _settings.ToTuning())
            .Recommend(Interactions(userId), k, clock.GetUtcNow(), preferences ?? GetPreferences(userId), Popularity());
    }

    /// <summary>What a shopper without history sees: popular products (by everyone's events), varied across categories.</summary>
    public IReadOnlyList<Recommendation> ColdStart(int k, ShopperPreferences? preferences = null)
    {
        using var lease = catalogs.Acquire();
        return new Recommender(lease.Catalog, _settings.ToTuning()).Recommend([], k, clock.GetUtcNow(), preferences, Popularity());
    }

    /// <summary>The shopper's interests in <paramref name="catalog"/>'s search space; null when they have no usable history.</summary>
    public InterestProfile? Profile(string userId, SearchableCatalog catalog)
    {
        var history = Interactions(userId);
        if (history.Count == 0)
        {
            return null;
        }

        var profile = InterestProfile.Build(history, catalog.VectorOf, _settings.ToTuning(), clock.GetUtcNow());
        return profile.IsEmpty ? null : profile;
    }

    private IReadOnlyDictionary<string, int> Popularity()
    {
        var now = clock.GetUtcNow();
        if (Volatile.Read(ref _popularity) is { } cached && now - cached.ReadAt < PopularityLifetime)
        {
            return cached.Scores;
        }

        var reading = new PopularityReading(database.Popularity(), now);
        Volatile.Write(ref _popularity, reading); // concurrent requests may both read; either reading is fine
        return reading.Scores;
    }

    private sealed record PopularityReading(IReadOnlyDictionary<string, int> Scores, DateTimeOffset ReadAt);

    // The latest events only: a recommendation's cost stays bounded however long a shopper's history grows, and
    // interests older than a few hundred events have decayed to nothing anyway (half-life in days).
    private List<Interaction> Interactions(string userId) =>
        database.GetEventsNewestFirst(userId, _settings.HistoryWindow).Reverse().Select(e => new Interaction(e.ProductId, Parse(e.Kind), e.At)).ToList();

    private static InteractionKind Parse(string kind) => TryParseKind(kind, out var parsed) ? parsed : InteractionKind.View;

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

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

        database.AddEvent(userId, productId, kind.ToString().ToLowerInvariant(), clock.GetUtcNow());
    }

    public IReadOnlyList<HistoryEntry> History(string userId)
    {
        var events = database.GetEvents(userId);
        var products = database.GetProducts(events.Select(e => e.ProductId).Distinct().ToList()).ToDictionary(p => p.Id);
        return events.Select(e => new HistoryEntry(e.Id, e.ProductId, products.GetValueOrDefault(e.ProductId), Parse(e.Kind), e.At)).Reverse().ToList();
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

    public void SetPreferences(string userId, IReadOnlyCollection<string>? categories, IReadOnlyDictionary<string, string>? attributes) =>
        database.SetPreferencesJson(userId, JsonSerializer.Serialize(new StoredPreferences([.. categories ?? []], attributes?.ToDictionary() ?? []), Json));

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record StoredPreferences(string[]? Categories, Dictionary<string, string>? Attributes);

    /// <summary>True when the shopper has events to personalise with.</summary>
    public bool HasHistory(string userId) => database.GetEvents(userId).Count > 0;

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

    private List<Interaction> Interactions(string userId) =>
        database.GetEvents(userId).Select(e => new Interaction(e.ProductId, Parse(e.Kind), e.At)).ToList();

    private static InteractionKind Parse(string kind) => TryParseKind(kind, out var parsed) ? parsed : InteractionKind.View;

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

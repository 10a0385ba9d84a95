using Lookbook.Catalog;
using Lookbook.Search;
using Microsoft.Extensions.Options;

namespace Lookbook.Personalization;

/// <summary>
/// Personalization's part in photo search: a known shopper's visually similar candidates get
/// <see cref="PersonalizationOptions.PhotoSearchWeight"/> × their affinity with the shopper's interests.
/// </summary>
public sealed class ShopperReranker(ShopperService shoppers, IOptions<PersonalizationOptions> options) : IPhotoSearchReranker
{
    // A disliked product's affinity counts half against it: enough to sink it among equals, not to hide a close match.
    private const float DislikePenalty = 0.5f;

    public Func<SearchHit, float>? BonusFor(string shopperId, SearchableCatalog catalog)
    {
        var weight = options.Value.PhotoSearchWeight;
        if (weight <= 0 || shoppers.Profile(shopperId, catalog) is not { } profile)
        {
            return null;
        }

        return hit => catalog.VectorOf(hit.Product.Id) is { } vector ? weight * profile.Affinity(vector, DislikePenalty) : 0f;
    }
}

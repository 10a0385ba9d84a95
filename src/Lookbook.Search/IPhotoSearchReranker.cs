namespace Lookbook.Search;

/// <summary>
/// Re-ranks a known shopper's photo searches: the visually similar candidates are ordered by similarity plus the
/// bonus this gives each of them. Personalization plugs in here; search knows nothing of histories.
/// </summary>
public interface IPhotoSearchReranker
{
    /// <summary>The bonus of each candidate for this shopper, or null when their results are not re-ranked.</summary>
    Func<SearchHit, float>? BonusFor(string shopperId, SearchableCatalog catalog);
}

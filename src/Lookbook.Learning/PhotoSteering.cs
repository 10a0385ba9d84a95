using Lookbook.Catalog;
using Lookbook.Index;

namespace Lookbook.Learning;

/// <summary>
/// What a photo's predictions add to a product's similarity when its results are ranked:
/// P(product's category) × (category boost + colour boost × P(product's colour)), with the probabilities the heads give
/// the photo and the category and colour the catalog gives the product. The colour term is weighted by the category's
/// probability so that a product of the photo's colour but of an unlikely category does not overtake one of the likely
/// category: on the 8,000 real products an unweighted colour bonus cost 0.02–0.07 of category precision@10, the weighted
/// one nothing (docs/real-photos.md). When the category is fixed (asked for, or restricted to the prediction) every
/// candidate is of it, so colour alone steers. One formula for live search and for the validation that chooses the weights.
/// </summary>
public sealed class PhotoSteering
{
    /// <summary>
    /// Candidates re-scored when colour steers. The photo's colour-mates in its category are often further away than the
    /// 100 nearest products: on the real catalog colour precision@10 was 0.595 re-scoring 100, 0.621 with 300 and 0.630
    /// with 1,000 (0.633 with all 6,400), category precision@10 0.852, 0.856, 0.859.
    /// </summary>
    public const int ColourCandidates = 1000;

    private readonly Dictionary<string, int> _categoryIndex;
    private readonly float[] _categoryProbabilities;
    private readonly bool _categoryFixed;
    private readonly Dictionary<string, int>? _colourIndex;
    private readonly float[]? _colourProbabilities;

    /// <param name="categories">The category head that gave <paramref name="categoryProbabilities"/>.</param>
    /// <param name="categoryBoost">Weight of the category (0: it does not steer).</param>
    /// <param name="categoryFixed">Every candidate is of one category, chosen by the shopper or the restriction.</param>
    /// <param name="colour">The colour head that gave <paramref name="colourProbabilities"/> (null: none).</param>
    /// <param name="colourBoost">Weight of the colour (0: it does not steer).</param>
    public PhotoSteering(
        MlpHead categories, float[] categoryProbabilities, float categoryBoost, bool categoryFixed,
        ColourHead? colour = null, float[]? colourProbabilities = null, float colourBoost = 0)
    {
        _categoryIndex = Index(categories.Classes);
        _categoryProbabilities = categoryProbabilities;
        _categoryFixed = categoryFixed;
        CategoryBoost = categoryFixed ? 0 : categoryBoost;
        if (colour is not null && colourProbabilities is not null && colourBoost > 0)
        {
            _colourIndex = Index(colour.Colours);
            _colourProbabilities = colourProbabilities;
            ColourAttribute = colour.Attribute;
            ColourBoost = colourBoost;
        }
    }

    public float CategoryBoost { get; }

    public float ColourBoost { get; }

    /// <summary>The product attribute holding a product's colour (null when colour does not steer).</summary>
    public string? ColourAttribute { get; }

    /// <summary>Whether ranking changes at all (else plain similarity).</summary>
    public bool IsActive => CategoryBoost > 0 || ColourBoost > 0;

    /// <summary>How many nearest candidates to re-score for <paramref name="k"/> results.</summary>
    public int CandidateCount(int k) => ColourBoost > 0 ? Math.Max(ColourCandidates, BoostedRanking.CandidateCount(k)) : BoostedRanking.CandidateCount(k);

    /// <summary>The bonus of a product with this category and colour (null: none, or none the head learned).</summary>
    public float Bonus(string category, string? colour)
    {
        var categoryProbability = _categoryFixed ? 1f : Probability(_categoryIndex, _categoryProbabilities, category);
        var bonus = CategoryBoost * categoryProbability;
        if (ColourBoost > 0 && colour is not null)
        {
            bonus += ColourBoost * categoryProbability * Probability(_colourIndex!, _colourProbabilities!, colour);
        }

        return bonus;
    }

    public float Bonus(Product product) =>
        Bonus(product.Category, ColourAttribute is null ? null : product.Attributes.GetValueOrDefault(ColourAttribute));

    private static Dictionary<string, int> Index(IReadOnlyList<string> classes) =>
        classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);

    private static float Probability(Dictionary<string, int> index, float[] probabilities, string value) =>
        index.TryGetValue(value, out var i) ? probabilities[i] : 0f;
}

namespace Lookbook.Engine.Search;

/// <summary>How a trained head's predicted category steers photo search.</summary>
public enum PredictedCategoryUse
{
    /// <summary>Rank products of likely categories higher, in proportion to the prediction's confidence.</summary>
    Boost,

    /// <summary>Return only products of the predicted category.</summary>
    Restrict,

    /// <summary>Show the prediction but rank by similarity alone.</summary>
    Off,
}

/// <summary>Search behaviour. Section <c>Lookbook:Search</c>; an explicit category (or "any") in a request overrides it.</summary>
public sealed class SearchSettings
{
    public const string SectionName = "Lookbook:Search";

    public PredictedCategoryUse PredictedCategory { get; set; } = PredictedCategoryUse.Boost;
}

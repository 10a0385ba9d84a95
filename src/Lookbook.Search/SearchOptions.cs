namespace Lookbook.Search;

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
public sealed class SearchOptions
{
    public const string SectionName = "Lookbook:Search";

    public PredictedCategoryUse PredictedCategory { get; set; } = PredictedCategoryUse.Boost;

    /// <summary>
    /// How often a server looks for catalog changes made by other processes (an import from the command line) and
    /// catches up with them; <c>00:00:00</c> turns it off (then <c>POST /api/catalog/reload</c> does it).
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Problems with the values, each naming its key; empty when they are usable.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Enum.IsDefined(PredictedCategory))
        {
            yield return $"{SectionName}:PredictedCategory must be Boost, Restrict or Off (was {PredictedCategory}).";
        }

        if (RefreshInterval < TimeSpan.Zero || RefreshInterval > TimeSpan.FromHours(1))
        {
            yield return $"{SectionName}:RefreshInterval must be between 00:00:00 (off) and 01:00:00 (was {RefreshInterval}).";
        }
    }
}

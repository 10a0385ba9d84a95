namespace Lookbook.Personalization;

/// <summary>Section <c>Lookbook:Personalization</c>.</summary>
public sealed class PersonalizationOptions
{
    public const string SectionName = "Lookbook:Personalization";

    /// <summary>An event's weight halves every this many days.</summary>
    public double HalfLifeDays { get; set; } = 14;

    /// <summary>MMR λ: 1 = relevance only; lower = more varied recommendations.</summary>
    public float Diversity { get; set; } = 0.7f;

    /// <summary>How much a shopper's history re-ranks their photo searches (0 turns it off).</summary>
    public float PhotoSearchWeight { get; set; } = 0.15f;

    /// <summary>How many of a shopper's latest events shape their recommendations.</summary>
    public int HistoryWindow { get; set; } = 1000;

    public RecommenderTuning ToTuning() => new(HalfLifeDays: HalfLifeDays, Diversity: Diversity);

    /// <summary>Problems with the values, each naming its key; empty when they are usable.</summary>
    public IEnumerable<string> Validate()
    {
        if (!(HalfLifeDays > 0 && HalfLifeDays <= 3650))
        {
            yield return $"{SectionName}:HalfLifeDays must be more than 0 and at most 3650 (was {HalfLifeDays}).";
        }

        if (!(Diversity is >= 0 and <= 1))
        {
            yield return $"{SectionName}:Diversity must be between 0 and 1 (was {Diversity}).";
        }

        if (HistoryWindow is < 10 or > 100_000)
        {
            yield return $"{SectionName}:HistoryWindow must be between 10 and 100000 events (was {HistoryWindow}).";
        }

        if (!(PhotoSearchWeight is >= 0 and <= 1))
        {
            yield return $"{SectionName}:PhotoSearchWeight must be between 0 (off) and 1 (was {PhotoSearchWeight}).";
        }
    }
}

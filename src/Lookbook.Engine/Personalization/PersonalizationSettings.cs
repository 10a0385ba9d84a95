using Lookbook.Core.Personalization;

namespace Lookbook.Engine.Personalization;

/// <summary>Section <c>Lookbook:Personalization</c>.</summary>
public sealed class PersonalizationSettings
{
    public const string SectionName = "Lookbook:Personalization";

    /// <summary>An event's weight halves every this many days.</summary>
    public double HalfLifeDays { get; set; } = 14;

    /// <summary>MMR λ: 1 = relevance only; lower = more varied recommendations.</summary>
    public float Diversity { get; set; } = 0.7f;

    /// <summary>How much a shopper's history re-ranks their photo searches (0 turns it off).</summary>
    public float PhotoSearchWeight { get; set; } = 0.15f;

    public PersonalizationOptions ToOptions() => new(HalfLifeDays: HalfLifeDays, Diversity: Diversity);
}

using Lookbook.Index;

namespace Lookbook.Learning;

/// <summary>A reproducible stratified split of labelled products into training and validation items.</summary>
public sealed record DatasetSplit(IReadOnlyList<string> Classes, IReadOnlyList<StoredVector> Train, IReadOnlyList<StoredVector> Validation)
{
    /// <summary>
    /// Holds out <paramref name="fraction"/> of each category (at least one item of any category with two
    /// or more), chosen by a seeded shuffle, so every category is represented on both sides.
    /// </summary>
    public static DatasetSplit Stratified(IReadOnlyList<StoredVector> items, double fraction, int seed)
    {
        if (fraction is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), $"The validation fraction must be in [0, 1); got {fraction}.");
        }

        var classes = items.Select(i => i.Category).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (classes.Count < 2)
        {
            throw new InvalidOperationException(
                $"Training needs products of at least two categories; the catalog has {classes.Count}. Import a labelled catalog first.");
        }

        var train = new List<StoredVector>();
        var validation = new List<StoredVector>();
        var random = new Random(seed);
        foreach (var group in items.GroupBy(i => i.Category, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var members = group.OrderBy(i => i.ProductId, StringComparer.Ordinal).ToArray();
            random.Shuffle(members);
            var held = members.Length < 2 || fraction == 0 ? 0 : Math.Max(1, (int)Math.Round(members.Length * fraction));
            validation.AddRange(members[..held]);
            train.AddRange(members[held..]);
        }

        return new DatasetSplit(classes, train, validation);
    }
}

using Lookbook.Learning;

namespace Lookbook.Learning.Tests;

/// <summary>How the no-good-match threshold trades shopper photos kept against images of no product turned away.</summary>
public sealed class NoMatchThresholdTests
{
    // 100 shopper photos whose best similarities are 0.50, 0.51, … 1.49 (sorted or not, the same).
    private static readonly float[] Shopper = [.. Enumerable.Range(0, 100).Select(i => 0.5f + (99 - i) * 0.01f)];
    private static readonly float[] CatalogShots = [.. Enumerable.Repeat(2f, 50)];

    [Fact]
    public void Keeps_98_percent_of_shopper_photos_when_images_of_no_product_are_still_turned_away()
    {
        var unrelated = Enumerable.Repeat((Best: 0.3f, NoProduct: false), 40).ToList();

        var threshold = HeadTrainer.ChooseNoMatchThreshold(CatalogShots, [Shopper], unrelated);

        Assert.Equal(0.51f, threshold, 3);
        Assert.InRange(Shopper.Count(s => s >= threshold), 98, 99);
    }

    [Fact]
    public void The_hardest_strength_decides_each_keeps_98_percent()
    {
        // Strong photos resemble their product less: the threshold keeps 98% of them, so even more of the mild ones.
        float[] strong = [.. Shopper.Select(s => s - 0.3f)];
        var unrelated = Enumerable.Repeat((Best: 0.1f, NoProduct: false), 40).ToList();

        var threshold = HeadTrainer.ChooseNoMatchThreshold(CatalogShots, [Shopper, strong], unrelated);

        Assert.Equal(0.21f, threshold, 3);
        Assert.InRange(strong.Count(s => s >= threshold), 98, 99);
        Assert.Equal(100, Shopper.Count(s => s >= threshold));
    }

    [Fact]
    public void Keeps_fewer_shopper_photos_when_images_of_no_product_would_get_through()
    {
        // 4 of 40 unrelated images look like products: keeping 98% (0.51) lets all four through, 97% (0.52) three, 96% (0.53) one.
        var unrelated = Enumerable.Repeat((Best: 0.3f, NoProduct: false), 36)
            .Concat<(float Best, bool NoProduct)>([(0.515f, false), (0.52f, false), (0.525f, false), (0.535f, false)]).ToList();

        var threshold = HeadTrainer.ChooseNoMatchThreshold(CatalogShots, [Shopper], unrelated);

        Assert.Equal(0.53f, threshold, 3);
        Assert.True(unrelated.Count(u => u.Best < threshold) >= HeadTrainer.MinUnrelatedRejected * unrelated.Count);
    }

    [Fact]
    public void Keeps_95_percent_when_no_share_turns_enough_images_of_no_product_away()
    {
        var unrelated = Enumerable.Repeat((Best: 1.2f, NoProduct: false), 40).ToList();

        Assert.Equal(0.54f, HeadTrainer.ChooseNoMatchThreshold(CatalogShots, [Shopper], unrelated), 3);
    }

    [Fact]
    public void The_no_product_class_counts_as_turning_an_image_away()
    {
        var unrelated = Enumerable.Repeat((Best: 0.9f, NoProduct: true), 40).ToList();

        Assert.Equal(0.51f, HeadTrainer.ChooseNoMatchThreshold(CatalogShots, [Shopper], unrelated), 3);
    }

    [Fact]
    public void Never_turns_away_more_than_1_percent_of_catalog_shots()
    {
        float[] shots = [.. Enumerable.Range(0, 100).Select(i => 0.4f + i * 0.001f)];

        Assert.Equal(0.4f, HeadTrainer.ChooseNoMatchThreshold(shots, [Shopper], []), 3);
    }
}

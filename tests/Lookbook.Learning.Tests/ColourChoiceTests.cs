namespace Lookbook.Learning.Tests;

public sealed class ColourChoiceTests
{
    [Fact]
    public void Colours_are_the_values_with_enough_training_products_leaving_out_missing_ones()
    {
        var values = Enumerable.Repeat("Black", 25).Concat(Enumerable.Repeat("Blue", 20)).Concat(Enumerable.Repeat("Teal", 19))
            .Concat(Enumerable.Repeat("NA", 40)).Concat(Enumerable.Repeat<string?>(null, 40));

        Assert.Equal(["Black", "Blue"], ColourHeadTrainer.Colours(values));
        Assert.Empty(ColourHeadTrainer.Colours(Enumerable.Repeat("Black", 100))); // one colour: nothing to tell apart
    }

    [Theory]
    // Off, then weights that lift colour precision; the best mean wins.
    [InlineData(0.5f, 0.860, 0.366, 0.614, 0.862, 0.596, 0.613, 0.864, 0.604, 0.613)]
    // The best mean costs 0.006 of category precision: the next best that does not.
    [InlineData(0.25f, 0.860, 0.366, 0.614, 0.859, 0.596, 0.613, 0.854, 0.650, 0.613)]
    // The best mean costs shopper photos 0.02 of MRR@10: the next best that does not.
    [InlineData(0.25f, 0.860, 0.366, 0.614, 0.860, 0.596, 0.605, 0.864, 0.604, 0.594)]
    // Every weight costs too much: search without colour.
    [InlineData(0f, 0.860, 0.366, 0.614, 0.850, 0.596, 0.613, 0.864, 0.604, 0.500)]
    public void The_colour_weight_is_the_best_mean_of_category_and_colour_precision_that_costs_neither_category_nor_shopper_photos(
        float expected, double offCategory, double offColour, double offMrr, double quarterCategory, double quarterColour, double quarterMrr,
        double halfCategory, double halfColour, double halfMrr)
    {
        ColourBoostScore[] tried =
        [
            new(0f, offCategory, offColour, offMrr),
            new(0.25f, quarterCategory, quarterColour, quarterMrr),
            new(0.5f, halfCategory, halfColour, halfMrr),
        ];

        Assert.Equal(expected, ColourHeadTrainer.ChooseBoost(tried));
    }

    [Fact]
    public void The_first_weight_tried_must_be_search_without_colour()
    {
        Assert.Throws<ArgumentException>(() => ColourHeadTrainer.ChooseBoost([new(0.5f, 0.8, 0.6, null)]));
    }

    [Fact]
    public void A_colour_is_shown_from_the_lowest_confidence_at_which_predictions_are_right_four_times_in_five()
    {
        // Right: all from 0.9, half at 0.5, none at 0.35.
        var predictions = Enumerable.Repeat((0.95f, true), 40).Concat(Enumerable.Repeat((0.5f, true), 10)).Concat(Enumerable.Repeat((0.5f, false), 10))
            .Concat(Enumerable.Repeat((0.35f, false), 30)).ToList();

        // From 0.4: 50 of 60 right (83%); from 0.35 too: 50 of 90 (56%).
        Assert.Equal(0.4f, ColourHeadTrainer.CalibrateConfidence(predictions)!.Value, 3);
        Assert.Null(ColourHeadTrainer.CalibrateConfidence([(0.99f, false), (0.6f, true)]));
    }
}

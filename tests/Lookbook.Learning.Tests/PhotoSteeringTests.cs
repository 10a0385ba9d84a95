namespace Lookbook.Learning.Tests;

public sealed class PhotoSteeringTests
{
    // An untrained head is enough: steering reads only its class names; the probabilities are given.
    private static MlpHead Head(params string[] classes) =>
        new(classes, 1, 1, [0f], [1f], [0f], [0f], new float[classes.Length], new float[classes.Length]);

    private static readonly MlpHead Categories = Head("Shirts", "Skirts");
    private static readonly ColourHead Colour = new(Head("Black", "Red"), "baseColour", 0.5f, 0.7f);

    [Theory]
    [InlineData("Shirts", "Black", (0.05f * 0.8f) + (0.5f * 0.8f * 0.9f))]
    [InlineData("Shirts", "Red", (0.05f * 0.8f) + (0.5f * 0.8f * 0.1f))]
    [InlineData("Skirts", "Black", (0.05f * 0.2f) + (0.5f * 0.2f * 0.9f))] // the colour counts as much as the category is likely
    [InlineData("Shirts", "Teal", 0.05f * 0.8f)] // a colour the head never learned
    [InlineData("Shirts", null, 0.05f * 0.8f)]
    [InlineData("Dresses", "Black", 0f)] // a category the head never learned
    public void A_products_bonus_is_its_categorys_probability_times_category_and_colour_weights(string category, string? colour, float bonus)
    {
        var steering = new PhotoSteering(Categories, [0.8f, 0.2f], 0.05f, categoryFixed: false, Colour, [0.9f, 0.1f], 0.5f);

        Assert.Equal(bonus, steering.Bonus(category, colour), 5);
        Assert.Equal(PhotoSteering.ColourCandidates, steering.CandidateCount(10));
    }

    [Fact]
    public void With_the_category_fixed_colour_alone_steers()
    {
        var steering = new PhotoSteering(Categories, [0.8f, 0.2f], 0.05f, categoryFixed: true, Colour, [0.9f, 0.1f], 0.5f);

        Assert.Equal(0.5f * 0.9f, steering.Bonus("Skirts", "Black"), 5);
        Assert.Equal(0f, steering.CategoryBoost);
    }

    [Fact]
    public void Without_a_colour_weight_it_is_the_category_boost_alone_over_the_usual_candidates()
    {
        var steering = new PhotoSteering(Categories, [0.8f, 0.2f], 0.05f, categoryFixed: false, Colour, [0.9f, 0.1f], 0f);

        Assert.Equal(0.05f * 0.8f, steering.Bonus("Shirts", "Black"), 5);
        Assert.Equal(Index.BoostedRanking.CandidateCount(10), steering.CandidateCount(10));
        Assert.False(new PhotoSteering(Categories, [0.8f, 0.2f], 0f, categoryFixed: true).IsActive);
    }
}

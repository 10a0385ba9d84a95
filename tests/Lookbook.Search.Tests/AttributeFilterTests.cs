using Lookbook.Search;

namespace Lookbook.Search.Tests;

public sealed class AttributeFilterTests
{
    [Theory]
    [InlineData("baseColour:Black", "baseColour", "Black")]
    [InlineData("baseColour=Black", "baseColour", "Black")] // the CLI's older syntax is read the same
    [InlineData("time:10:30", "time", "10:30")]
    [InlineData("formula=a=b", "formula", "a=b")]
    [InlineData(" usage : Casual ", "usage", "Casual")]
    public void Key_ends_at_the_first_separator(string filter, string key, string value) =>
        Assert.Equal(new KeyValuePair<string, string>(key, value), AttributeFilter.TryParse(filter));

    [Theory]
    [InlineData("colour")]
    [InlineData(":Black")]
    [InlineData("=Black")]
    [InlineData("")]
    public void A_filter_without_key_or_separator_is_none(string filter)
    {
        Assert.Null(AttributeFilter.TryParse(filter));
        Assert.Equal($"attr must look like key:value (e.g. baseColour:Black); got '{filter}'.", AttributeFilter.Problem("attr", filter));
    }
}

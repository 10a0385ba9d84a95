using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Testing;

namespace Lookbook.Catalog.Tests;

public sealed class InputSizeAdvisorTests
{
    [Theory]
    [InlineData(28, 64)]
    [InlineData(64, 64)]
    [InlineData(100, 128)]
    [InlineData(160, 160)]
    [InlineData(1500, 224)]
    public void The_input_side_suits_the_images(int imageSide, int inputSide) =>
        Assert.Equal(inputSide, InputSizeAdvisor.ForImageSide(imageSide));

    [Fact]
    public void Fashion_mnist_suggests_64_px() =>
        Assert.Equal(64, InputSizeAdvisor.Suggest(new FashionMnistSource(RepositoryPaths.SampleCatalog, "train", 50)));
}

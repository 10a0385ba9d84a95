using Lookbook.Testing;

namespace Lookbook.Learning.Tests;

[CollectionDefinition(Name)]
public sealed class ModelCollection : ICollectionFixture<EmbedderFixture>, ICollectionFixture<TrainedCatalogFixture>, ICollectionFixture<ColourCatalogFixture>
{
    public const string Name = "model";
}

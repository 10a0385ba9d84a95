using Lookbook.Testing;

namespace Lookbook.Search.Tests;

[CollectionDefinition(Name)]
public sealed class ModelCollection : ICollectionFixture<EmbedderFixture>
{
    public const string Name = "model";
}

using Lookbook.Testing;

namespace Lookbook.Index.Tests;

[CollectionDefinition(Name)]
public sealed class ModelCollection : ICollectionFixture<EmbedderFixture>
{
    public const string Name = "model";
}

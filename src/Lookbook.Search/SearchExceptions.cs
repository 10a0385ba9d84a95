namespace Lookbook.Search;

/// <summary>A catalog that cannot be searched yet, with what to do about it.</summary>
public sealed class CatalogEmptyException(string databasePath)
    : Exception($"The catalog {databasePath} has no indexed products yet. Import some first, e.g. `lookbook import fashion-mnist samples/fashion-mnist`.");

/// <summary>A product id that the catalog does not have.</summary>
public sealed class ProductNotFoundException(string productId)
    : Exception($"No product with id '{productId}' in the catalog.")
{
    public string ProductId { get; } = productId;
}

/// <summary>An attribute filter no product could pass: an attribute no product has, or a value none has. Says what there is.</summary>
public sealed class UnknownAttributeException(string message) : ArgumentException(message);

/// <summary>A category filter no product could pass: says which categories there are.</summary>
public sealed class UnknownCategoryException(string message) : ArgumentException(message);

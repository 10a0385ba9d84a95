using Lookbook.Catalog;
using Lookbook.Index;

namespace Lookbook.Search.Tests;

public sealed class CatalogSnapshotTests
{
    private static SearchableCatalog Build()
    {
        var products = new[]
        {
            new Product("d1", "Red dress", "Dress", new Dictionary<string, string> { ["colour"] = "Red" }),
            new Product("d2", "Blue dress", "Dress", new Dictionary<string, string> { ["colour"] = "Blue" }),
            new Product("b1", "Red bag", "Bag", new Dictionary<string, string> { ["colour"] = "Red" }),
        };
        var index = new ExactVectorIndex(2);
        index.Upsert("d1", [1f, 0f]);
        index.Upsert("d2", [0.8f, 0.6f]);
        index.Upsert("b1", [0.6f, 0.8f]);
        return new SearchableCatalog(products, index);
    }

    [Fact]
    public void Category_filter_is_case_insensitive()
    {
        var hits = Build().Search([1f, 0f], new SearchRequest(10, Category: "bag"));
        Assert.Equal(["b1"], hits.Select(h => h.Product.Id));
    }

    [Fact]
    public void Attribute_filter_keeps_only_matching_products()
    {
        var hits = Build().Search([1f, 0f], new SearchRequest(10, Attributes: new Dictionary<string, string> { ["colour"] = "red" }));
        Assert.Equal(["d1", "b1"], hits.Select(h => h.Product.Id));
    }

    [Fact]
    public void Attribute_names_match_whatever_their_case()
    {
        var hits = Build().Search([1f, 0f], new SearchRequest(10, Attributes: new Dictionary<string, string> { ["COLOUR"] = "blue" }));
        Assert.Equal(["d2"], hits.Select(h => h.Product.Id));
    }

    [Theory]
    [InlineData("color", "Red", "No product has the attribute 'color'. Attributes in this catalog: colour.")]
    [InlineData("colour", "Rd", "No product has colour 'Rd'. Values in this catalog: Blue, Red.")]
    public void A_filter_no_product_could_pass_is_an_error_naming_what_there_is(string attribute, string value, string message)
    {
        var request = new SearchRequest(10, Attributes: new Dictionary<string, string> { [attribute] = value });

        var error = Assert.Throws<UnknownAttributeException>(() => Build().Search([1f, 0f], request));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Excluded_id_is_left_out()
    {
        var hits = Build().Search([1f, 0f], new SearchRequest(2), excludeId: "d1");
        Assert.Equal(["d2", "b1"], hits.Select(h => h.Product.Id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void Unreasonable_k_is_refused(int k)
    {
        var error = Assert.Throws<ArgumentException>(() => Build().Search([1f, 0f], new SearchRequest(k)));
        Assert.Contains("k must be between 1 and 1000", error.Message);
    }
}

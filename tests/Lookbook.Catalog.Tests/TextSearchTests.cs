using Lookbook.Catalog.Storage;
using Lookbook.Testing;
using Microsoft.Data.Sqlite;

namespace Lookbook.Catalog.Tests;

/// <summary>
/// The catalog's full-text search: words of titles and attribute values, kept in step with every write — SQLite's FTS5
/// (<see cref="SqliteTextSearchTests"/>) and PostgreSQL's text search (<see cref="PostgresTextSearchTests"/>) alike.
/// </summary>
public abstract class TextSearchTests : IDisposable
{
    protected TempDirectory Temp { get; } = new();

    public virtual void Dispose()
    {
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>An empty store of the kind under test.</summary>
    protected abstract CatalogDatabase OpenEmpty();

    protected static ProductRecord Product(string id, string title, string category, params (string Key, string Value)[] attributes) =>
        new(id, "test-source", title, category, attributes.ToDictionary(a => a.Key, a => a.Value), "m-" + id + title + string.Join(",", attributes), "h-" + id,
            null, [1, 2, 3], "PNG", 28, 28);

    protected CatalogDatabase Catalog()
    {
        var database = OpenEmpty();
        database.SaveProducts([
            (Product("p1", "Women Black Dress", "Dresses", ("baseColour", "Black"), ("usage", "Party")), null),
            (Product("p2", "Men Black Jeans", "Jeans", ("baseColour", "Black")), null),
            (Product("p3", "Café Crème Sweater", "Sweaters", ("baseColour", "Cream")), null),
            (Product("p4", "Summer dress with black belt", "Dresses", ("baseColour", "White")), null),
            (Product("p5", "Ankle boot", "Ankle boot", ("dataset", "fashion-mnist"), ("split", "train"), ("index", "7")), null),
        ]);
        return database;
    }

    protected static List<string> Ids(ProductPage page) => [.. page.Items.Select(p => p.Id)];

    [Fact]
    public void Every_word_must_match_in_the_title_or_an_attribute_value_best_matches_first()
    {
        var catalog = Catalog();

        var page = catalog.ListProducts(0, 10, text: "black dress");

        Assert.Equal(2, page.Total);
        Assert.Equal("p1", page.Items[0].Id); // both words in the title, and Black again as its colour
        Assert.Contains("p4", Ids(page));
        Assert.Equal(["p1", "p2"], Ids(catalog.ListProducts(0, 10, text: "party")).Concat(Ids(catalog.ListProducts(0, 10, text: "jeans"))));
    }

    [Fact]
    public void Case_accents_and_word_starts_are_folded()
    {
        var catalog = Catalog();

        Assert.Equal(["p3"], Ids(catalog.ListProducts(0, 10, text: "CAFE creme")));
        Assert.Equal(["p3"], Ids(catalog.ListProducts(0, 10, text: "swea")));
        Assert.Equal(["p1", "p4"], Ids(catalog.ListProducts(0, 10, text: "dre")).Order());
    }

    [Fact]
    public void Text_combines_with_the_category_filter()
    {
        Assert.Equal(["p2"], Ids(Catalog().ListProducts(0, 10, category: "jeans", text: "black")));
    }

    [Theory]
    [InlineData("dataset")]
    [InlineData("fashion")]
    [InlineData("train")]
    [InlineData("colour")] // attribute names are not searched, only their values
    public void Keys_and_provenance_attributes_match_nothing(string text)
    {
        Assert.Equal(0, Catalog().ListProducts(0, 10, text: text).Total);
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("{")]
    [InlineData("*")]
    [InlineData("\" OR 1=1 --")]
    public void Text_with_no_word_is_refused_and_syntax_is_never_read_as_a_query(string text)
    {
        var catalog = Catalog();

        if (TextQuery.Words(text).Count == 0)
        {
            var error = Assert.Throws<ArgumentException>(() => catalog.ListProducts(0, 10, text: text));
            Assert.Contains("no word to search for", error.Message);
        }
        else
        {
            Assert.Equal(0, catalog.ListProducts(0, 10, text: text).Total); // "OR" and "1" as words: no product has both
        }
    }

    [Fact]
    public void Long_or_wordy_text_is_refused_with_the_limit()
    {
        Assert.Contains("at most 200", TextQuery.Problem(new string('a', 201)));
        Assert.Contains("17 words; at most 16", TextQuery.Problem(string.Join(' ', Enumerable.Repeat("black", 17))));
        Assert.Null(TextQuery.Problem("black dress"));
    }

    [Fact]
    public void Updates_and_deletes_keep_the_text_index_in_step()
    {
        var catalog = Catalog();

        catalog.SaveProducts([(Product("p2", "Men Blue Jeans", "Jeans", ("baseColour", "Blue")), null)]);
        catalog.DeleteProducts(["p4"]);

        Assert.Equal(["p1"], Ids(catalog.ListProducts(0, 10, text: "black")));
        Assert.Equal(["p2"], Ids(catalog.ListProducts(0, 10, text: "blue jeans")));
    }
}

public sealed class SqliteTextSearchTests : TextSearchTests
{
    protected override CatalogDatabase OpenEmpty() => CatalogDatabase.Open(Temp.File("catalog.db"));

    [Fact]
    public void A_catalog_from_before_text_search_is_indexed_when_opened()
    {
        var path = Temp.File("catalog.db");
        Catalog();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                DROP TRIGGER products_text_insert; DROP TRIGGER products_text_update; DROP TRIGGER products_text_delete;
                DROP TABLE products_text;
                PRAGMA user_version = 4;
                """;
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var upgraded = CatalogDatabase.Open(path);

        Assert.Equal(["p1", "p4"], Ids(upgraded.ListProducts(0, 10, text: "dress")).Order());
        upgraded.SaveProducts([(Product("p6", "Red dress", "Dresses"), null)]);
        Assert.Equal(3, upgraded.ListProducts(0, 10, text: "dress").Total);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresTextSearchTests(PostgresFixture postgres) : TextSearchTests
{
    private readonly List<CatalogDatabase> _opened = [];

    protected override CatalogDatabase OpenEmpty()
    {
        var catalog = CatalogDatabase.OpenPostgres(postgres.Server.CreateDatabase(), Temp.File("catalog"));
        _opened.Add(catalog);
        return catalog;
    }

    public override void Dispose()
    {
        _opened.ForEach(c => c.Dispose());
        base.Dispose();
    }
}

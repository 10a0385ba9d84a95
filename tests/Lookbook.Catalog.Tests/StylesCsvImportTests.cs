using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Testing;
using SkiaSharp;

namespace Lookbook.Catalog.Tests;

[Collection(ModelCollection.Name)]
public sealed class StylesCsvImportTests(EmbedderFixture model) : IDisposable
{
    private const string Header = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName";
    private readonly TempDirectory _temp = new();
    private readonly CatalogDatabase _database = CatalogDatabase.Open(Path.Combine(Path.GetTempPath(), "lookbook-tests", Guid.NewGuid().ToString("N"), "catalog.db"));

    public void Dispose() => _temp.Dispose();

    private Task<ImportResult> Import(string categoryColumn = "articleType") =>
        new CatalogImporter(_database, model.Embedder).ImportAsync(
            new StylesCsvSource(_temp.File("styles.csv"), categoryColumn), new ImportOptions());

    private void WriteImages(params int[] ids)
    {
        foreach (var id in ids)
        {
            _temp.Write($"images/{id}.jpg", TestImages.Shape(SKColors.White, SKColors.Black, 60, 80, id, SKEncodedImageFormat.Jpeg));
        }
    }

    [Fact]
    public async Task Rows_with_problems_are_reported_and_good_rows_imported()
    {
        WriteImages(15970, 39386, 59263, 21379);
        File.WriteAllText(_temp.File("styles.csv"), string.Join('\n',
            Header,
            "15970,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,Turtle Check Men Navy Blue Shirt",
            "39386,Men,Apparel,Bottomwear,Jeans,Blue,Summer,2012,Casual,Peter England Men Party Blue Jeans",
            "59263,Women,Accessories,Watches,Watches,Silver,Winter,2016,Casual,Titan Women Silver Watch, with an unquoted comma",
            ",Men,Apparel,Topwear,Tshirts,Red,Summer,2012,Casual,No id here",
            "99999,Men,Footwear,Shoes,Casual Shoes,White,Summer,2012,Casual,Image is missing",
            "\"21379\",Men,Apparel,Bottomwear,Track Pants,Black,Fall,2011,Casual,\"Manchester United Men Solid Black Track Pants, quoted\"") + "\n");

        var result = await Import();

        Assert.Equal(3, result.Counts.Added);
        Assert.Equal(3, result.Counts.Skipped);
        Assert.Contains(result.Issues, i => i.Problem == "malformed-row" && i.Item == "styles.csv line 4" && i.Message.Contains("11 fields"));
        Assert.Contains(result.Issues, i => i.Problem == "malformed-row" && i.Item == "styles.csv line 5");
        Assert.Contains(result.Issues, i => i.Problem == "missing-image" && i.Item == "99999");

        var shirt = _database.GetProduct("15970")!;
        Assert.Equal(("Turtle Check Men Navy Blue Shirt", "Shirts"), (shirt.Title, shirt.Category));
        Assert.Equal(("Navy Blue", "Men", "Topwear"), (shirt.Attributes["baseColour"], shirt.Attributes["gender"], shirt.Attributes["subCategory"]));
        Assert.Equal("Manchester United Men Solid Black Track Pants, quoted", _database.GetProduct("21379")!.Title);
    }

    [Fact]
    public async Task Changed_metadata_is_updated_without_re_embedding()
    {
        WriteImages(15970);
        File.WriteAllText(_temp.File("styles.csv"), Header + "\n15970,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,Turtle Check Shirt\n");
        await Import();

        File.WriteAllText(_temp.File("styles.csv"), Header + "\n15970,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,Turtle Check Shirt (new season)\n");
        var again = await Import();

        Assert.Equal(0, again.Embedded);
        Assert.Equal(1, again.Counts.Updated);
        Assert.Equal("Turtle Check Shirt (new season)", _database.GetProduct("15970")!.Title);
        Assert.NotNull(_database.GetVector("15970"));
    }

    [Fact]
    public async Task The_category_column_is_configurable_and_must_exist()
    {
        WriteImages(15970);
        File.WriteAllText(_temp.File("styles.csv"), Header + "\n15970,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,Turtle Check Shirt\n");

        await Import("subCategory");
        Assert.Equal("Topwear", _database.GetProduct("15970")!.Category);

        var error = Assert.Throws<InvalidDataException>(() => new StylesCsvSource(_temp.File("styles.csv"), "style").ReadEntries().ToList());
        Assert.Contains("lacks the column(s) style", error.Message);
    }
}

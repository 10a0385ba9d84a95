using Lookbook.Storage;
using Lookbook.Testing;
using Microsoft.Data.Sqlite;

namespace Lookbook.Storage.Tests;

public sealed class CatalogDatabaseTests : IDisposable
{
    private static readonly StoredEmbeddingProfile ProfileA = new("aaaa000011112222", "model A layers=x input=64", 3);
    private static readonly StoredEmbeddingProfile ProfileB = new("bbbb000011112222", "model B layers=y input=224", 3);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private CatalogDatabase Open() => CatalogDatabase.Open(_temp.File("catalog.db"));

    private static ProductRecord Product(string id, string title = "Red dress", string category = "Dress", string imageHash = "h1") =>
        new(id, "test-source", title, category, new Dictionary<string, string> { ["colour"] = "Red" }, "m-" + title, imageHash,
            null, [1, 2, 3], "PNG", 28, 28);

    [Fact]
    public void Products_vectors_and_images_survive_reopening()
    {
        Open().SaveProducts([(Product("p1"), new[] { 1f, 0f, 0f }), (Product("p2", "Bag", "Bag"), new[] { 0f, 1f, 0f })]);

        var reopened = Open();
        var product = reopened.GetProduct("p1")!;
        Assert.Equal(("Red dress", "Dress", "Red"), (product.Title, product.Category, product.Attributes["colour"]));
        Assert.Equal(new[] { 1f, 0f, 0f }, reopened.GetVector("p1"));
        Assert.Equal([1, 2, 3], reopened.GetImage("p1")!.Bytes);
        Assert.Equal(["p1", "p2"], reopened.ReadVectors().Select(v => v.ProductId));
        Assert.Null(reopened.GetProduct("nope"));
    }

    [Fact]
    public void Every_vector_write_has_a_revision_that_tells_what_changed_since()
    {
        var database = Open();
        Assert.Equal(0, database.GetEmbeddingRevision());
        database.SaveProducts([(Product("p1"), new[] { 1f, 0f, 0f }), (Product("p2"), new[] { 0f, 1f, 0f })]);
        var afterFirst = database.GetEmbeddingRevision();

        database.SaveProducts([(Product("p3"), new[] { 0f, 0f, 1f }), (Product("p1", title: "Crimson dress"), null)]);
        database.SaveVectors([("p2", new[] { 0f, 0.6f, 0.8f })]);
        database.ResetEmbeddings(ProfileA);
        var afterReset = database.GetEmbeddingRevision();
        database.SaveVectors([("p1", new[] { 1f, 0f, 0f })]);

        Assert.Equal(1, afterFirst);
        Assert.Equal(3, afterReset); // a reset never lowers it: a saved index must not mistake new vectors for old
        Assert.Equal(["p1"], database.ReadVectorsChangedSince(afterReset).Select(v => v.ProductId));
        Assert.Equal(["p1"], database.ReadEmbeddedIds());
        Assert.Equal(1, database.CountVectors());
    }

    [Fact]
    public void Updating_a_product_without_a_new_vector_keeps_its_vector()
    {
        var database = Open();
        database.SaveProducts([(Product("p1"), new[] { 1f, 0f, 0f })]);

        database.SaveProducts([(Product("p1", title: "Crimson dress"), null)]);
        database.UpdateMetadata([new ProductMetadata("p1", "test-source", "Scarlet dress", "Dress", new Dictionary<string, string>(), "m2")]);

        Assert.Equal("Scarlet dress", database.GetProduct("p1")!.Title);
        Assert.Equal(new[] { 1f, 0f, 0f }, database.GetVector("p1"));
        Assert.Equal(1, database.GetStats().Embedded);
    }

    [Fact]
    public void A_fresh_catalog_adopts_the_profile_and_a_matching_one_is_accepted()
    {
        var database = Open();
        database.EnsureEmbeddingProfile(ProfileA);
        database.SaveProducts([(Product("p1"), new[] { 1f, 0f, 0f })]);
        database.EnsureEmbeddingProfile(ProfileA);
        Assert.Equal(ProfileA, database.GetEmbeddingProfile());
    }

    [Fact]
    public void Vectors_from_another_profile_are_a_mismatch_that_says_how_to_reindex()
    {
        var database = Open();
        database.EnsureEmbeddingProfile(ProfileA);
        database.SaveProducts([(Product("p1"), new[] { 1f, 0f, 0f })]);

        var error = Assert.Throws<EmbeddingMismatchException>(() => database.EnsureEmbeddingProfile(ProfileB));

        Assert.Contains("stored:     model A", error.Message);
        Assert.Contains("configured: model B", error.Message);
        Assert.Contains("lookbook reindex", error.Message);
        Assert.Equal(ProfileA, database.GetEmbeddingProfile());
    }

    [Fact]
    public void A_profile_change_without_vectors_is_adopted()
    {
        var database = Open();
        database.EnsureEmbeddingProfile(ProfileA);
        database.EnsureEmbeddingProfile(ProfileB);
        Assert.Equal(ProfileB, database.GetEmbeddingProfile());
    }

    [Fact]
    public void Reset_drops_vectors_but_keeps_products()
    {
        var database = Open();
        database.EnsureEmbeddingProfile(ProfileA);
        database.SaveProducts([(Product("p1"), new[] { 1f, 0f, 0f }), (Product("p2"), new[] { 0f, 1f, 0f })]);

        database.ResetEmbeddings(ProfileB);

        Assert.Equal(ProfileB, database.GetEmbeddingProfile());
        Assert.Equal(2, database.CountProductsWithoutVectors());
        Assert.Equal(["p1", "p2"], database.ReadImagesWithoutVectors().Select(i => i.ProductId));
        Assert.Equal(2, database.GetStats().Products);
    }

    [Fact]
    public void Deleting_products_deletes_their_vectors()
    {
        var database = Open();
        database.SaveProducts([(Product("p1"), new[] { 1f, 0f, 0f }), (Product("p2"), new[] { 0f, 1f, 0f })]);

        Assert.Equal(1, database.DeleteProducts(["p1", "never-there"]));

        Assert.Null(database.GetVector("p1"));
        Assert.Equal(["p2"], database.ReadVectors().Select(v => v.ProductId));
    }

    [Fact]
    public void Stats_count_products_per_category()
    {
        var database = Open();
        database.SaveProducts([(Product("p1"), new[] { 1f, 0f, 0f }), (Product("p2"), null), (Product("b1", "Bag", "Bag"), new[] { 0f, 1f, 0f })]);

        var stats = database.GetStats();

        Assert.Equal(3, stats.Products);
        Assert.Equal(2, stats.Embedded);
        Assert.Equal([new CategoryCount("Bag", 1), new CategoryCount("Dress", 2)], stats.Categories);
    }

    [Fact]
    public void Import_runs_record_their_issues()
    {
        var database = Open();
        var run = database.StartRun("folder:/x");
        database.RecordIssues(run, [new ImportIssue("a.jpg", "truncated", "The file is truncated.")]);
        database.FinishRun(run, "completed", new ImportRunCounts(1, 0, 0, 1, 0));

        Assert.Equal([new ImportIssue("a.jpg", "truncated", "The file is truncated.")], database.GetIssues(run));
    }

    [Fact]
    public void A_database_from_a_newer_Lookbook_is_refused()
    {
        var path = _temp.File("future.db");
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var error = Assert.Throws<InvalidOperationException>(() => CatalogDatabase.Open(path));
        Assert.Contains("schema version 99", error.Message);
    }
}

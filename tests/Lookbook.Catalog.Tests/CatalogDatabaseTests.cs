using Lookbook.Catalog.Storage;
using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Microsoft.Data.Sqlite;

namespace Lookbook.Catalog.Tests;

/// <summary>
/// What every catalog store does, whatever database holds it: run against SQLite (<see cref="SqliteCatalogDatabaseTests"/>)
/// and a real PostgreSQL (<see cref="PostgresCatalogDatabaseTests"/>).
/// </summary>
public abstract class CatalogDatabaseTests : IDisposable
{
    protected static readonly EmbeddingProfile ProfileA = new("a.onnx", "aaaa00001111", ["x"], 64, "input=64 order=Rgb", ModelPrecision.Float32, null, null, 3);
    protected static readonly EmbeddingProfile ProfileB = new("b.onnx", "bbbb00001111", ["y", "z"], 224, "input=224 order=Rgb", ModelPrecision.Int8, "cafe", 7, 3);
    protected TempDirectory Temp { get; } = new();

    public virtual void Dispose()
    {
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The store under test (the same catalog each time: opening again is reopening).</summary>
    protected abstract CatalogDatabase Open();

    /// <summary>Runs raw SQL against the store, behind its back (what a crash or another program would leave).</summary>
    protected abstract void Execute(string sql);

    protected static ProductRecord Product(string id, string title = "Red dress", string category = "Dress", string imageHash = "h1") =>
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
        Assert.Equal(4, afterReset); // every write moves it (metadata too), a reset never lowers it: a saved index must not mistake new vectors for old
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
        AssertSameProfile(ProfileA, database.GetEmbeddingProfile());
    }

    [Fact]
    public void Vectors_from_another_profile_are_a_mismatch_that_says_how_to_reindex()
    {
        var database = Open();
        database.EnsureEmbeddingProfile(ProfileA);
        database.SaveProducts([(Product("p1"), new[] { 1f, 0f, 0f })]);

        var error = Assert.Throws<EmbeddingMismatchException>(() => database.EnsureEmbeddingProfile(ProfileB));

        Assert.Contains("stored:     a.onnx sha256:aaaa00001111", error.Message);
        Assert.Contains("configured: b.onnx sha256:bbbb00001111", error.Message);
        Assert.Contains("lookbook reindex", error.Message);
        AssertSameProfile(ProfileA, database.GetEmbeddingProfile());
    }

    [Fact]
    public void A_profile_change_without_vectors_is_adopted()
    {
        var database = Open();
        database.EnsureEmbeddingProfile(ProfileA);
        database.EnsureEmbeddingProfile(ProfileB);
        AssertSameProfile(ProfileB, database.GetEmbeddingProfile());
    }

    [Fact]
    public void Reset_drops_vectors_but_keeps_products()
    {
        var database = Open();
        database.EnsureEmbeddingProfile(ProfileA);
        database.SaveProducts([(Product("p1"), new[] { 1f, 0f, 0f }), (Product("p2"), new[] { 0f, 1f, 0f })]);

        database.ResetEmbeddings(ProfileB);

        AssertSameProfile(ProfileB, database.GetEmbeddingProfile());
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
    public void The_profile_round_trips_field_by_field()
    {
        var database = Open();
        database.EnsureEmbeddingProfile(ProfileB);

        var stored = Open().GetEmbeddingProfile()!;
        AssertSameProfile(ProfileB, stored);
        Assert.Contains("weights=7bit", stored.Description);
    }

    [Fact]
    public void A_run_whose_process_was_killed_is_marked_interrupted_by_the_next_one_but_a_live_one_is_not()
    {
        var database = Open();
        var live = database.StartRun("this process");
        using var finished = System.Diagnostics.Process.Start("true")!;
        finished.WaitForExit();
        var killed = database.StartRun("killed");
        Execute($"UPDATE import_runs SET pid = {finished.Id} WHERE id = {killed}"); // as if its process had died

        var next = database.StartRun("next");

        Assert.Equal("interrupted", database.GetRunStatus(killed));
        Assert.Equal("running", database.GetRunStatus(live));
        Assert.Equal("running", database.GetRunStatus(next));
    }

    [Fact]
    public void Popularity_follows_each_event_and_forgets_a_cleared_history()
    {
        var database = Open();
        database.SaveProducts([(Product("p1"), new[] { 1f, 0f, 0f }), (Product("p2"), new[] { 0f, 1f, 0f })]);
        database.CreateUser("u1", "hash1");
        database.CreateUser("u2", "hash2");
        database.AddEvent("u1", "p1", "purchase", DateTimeOffset.UtcNow);
        database.AddEvent("u1", "p2", "view", DateTimeOffset.UtcNow);
        database.AddEvent("u2", "p1", "like", DateTimeOffset.UtcNow);
        database.AddEvent("u2", "p2", "dislike", DateTimeOffset.UtcNow);

        Assert.Equal(new Dictionary<string, int> { ["p1"] = 6, ["p2"] = 1 }, database.Popularity());
        database.ClearEvents("u1");
        Assert.Equal(new Dictionary<string, int> { ["p1"] = 2 }, database.Popularity());
    }

    protected static void AssertSameProfile(EmbeddingProfile expected, EmbeddingProfile? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal((expected.Description, expected.Fingerprint, expected.InputSize, expected.Precision, expected.WeightBits, expected.Dimension),
            (actual.Description, actual.Fingerprint, actual.InputSize, actual.Precision, actual.WeightBits, actual.Dimension));
        Assert.Equal(expected.Layers, actual.Layers);
    }
}

/// <summary>The store in a SQLite file, with what only a file has: its version number and older layouts.</summary>
public sealed class SqliteCatalogDatabaseTests : CatalogDatabaseTests
{
    protected override CatalogDatabase Open() => CatalogDatabase.Open(Temp.File("catalog.db"));

    protected override void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Temp.File("catalog.db")};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public void A_database_from_a_newer_Lookbook_is_refused()
    {
        var path = Temp.File("future.db");
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

    [Fact]
    public void A_catalog_from_before_version_4_keeps_its_fingerprint_and_gains_its_input_size()
    {
        const string legacy = "resnet18.onnx sha256:0123456789ab layers=ReLU347_Output_0 pool=gap input=96 order=Rgb scale=1 mean=0/0/0 std=1/1/1 resize=Fill";
        var path = Temp.File("legacy.db");
        var database = CatalogDatabase.Open(path);
        database.SaveProducts([(Product("p1"), new[] { 1f, 0f, 0f })]);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                DROP TABLE embedding_profile; DROP TABLE popularity;
                INSERT INTO meta(key, value) VALUES ('embedding.fingerprint', 'legacy'), ('embedding.description', '{legacy}'), ('embedding.dimension', '3');
                PRAGMA user_version = 3;
                """;
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var upgraded = CatalogDatabase.Open(path).GetEmbeddingProfile()!;

        Assert.Equal(legacy, upgraded.Description);
        Assert.Equal(new EmbeddingProfile("x", "y", [], 0, "", ModelPrecision.Float32, null, null, 3) { Description = legacy }.Fingerprint, upgraded.Fingerprint);
        Assert.Equal(("resnet18.onnx", "0123456789ab", 96, 3), (upgraded.ModelFile, upgraded.ModelHash, upgraded.InputSize, upgraded.Dimension));
        Assert.Equal(["ReLU347_Output_0"], upgraded.Layers);
        Assert.Equal(ModelPrecision.Float32, upgraded.Precision);
    }
}

using Dapper;
using Lookbook.Catalog.Storage;
using Lookbook.Testing;
using Npgsql;

namespace Lookbook.Catalog.Tests;

/// <summary>One real PostgreSQL server for the catalog tests that need one; each test gets a database of its own.</summary>
public sealed class PostgresFixture : IDisposable
{
    public PostgresServer Server { get; } = PostgresServer.Start();

    public void Dispose() => Server.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>The catalog store in PostgreSQL: every test of <see cref="CatalogDatabaseTests"/>, and what only it has.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresCatalogDatabaseTests(PostgresFixture postgres) : CatalogDatabaseTests
{
    private readonly string _connectionString = postgres.Server.CreateDatabase();
    private readonly List<CatalogDatabase> _opened = [];

    protected override CatalogDatabase Open()
    {
        var catalog = CatalogDatabase.OpenPostgres(_connectionString, Temp.File("catalog"));
        _opened.Add(catalog);
        return catalog;
    }

    protected override void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        connection.Execute(sql);
    }

    public override void Dispose()
    {
        _opened.ForEach(c => c.Dispose());
        base.Dispose();
    }

    [Fact]
    public void A_database_from_a_newer_Lookbook_is_refused()
    {
        Open().Dispose();
        Execute("INSERT INTO schema_version(version) VALUES (99)");

        var error = Assert.Throws<InvalidOperationException>(Open);
        Assert.Contains("schema version 99", error.Message);
    }

    [Fact]
    public async Task Processes_that_open_a_new_database_together_migrate_it_once()
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(Open)));

        using var connection = new NpgsqlConnection(_connectionString);
        Assert.Equal([1, 2], connection.Query<int>("SELECT version FROM schema_version ORDER BY version"));
        opened[0].SaveProducts([(Product("p1"), new[] { 1f, 0f, 0f })]);
        Assert.Equal(1, opened[5].CountVectors());
    }

    [Fact]
    public async Task Concurrent_writers_get_distinct_increasing_revisions_and_lose_nothing()
    {
        var catalog = Open();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                catalog.SaveProducts([(Product($"w{w}-{i}"), new[] { w, i, 1f })]);
            }
        }));
        await Task.WhenAll(writers);

        Assert.Equal(80, catalog.CountVectors());
        Assert.Equal(80, catalog.GetEmbeddingRevision());
        Assert.Equal(80, catalog.ReadVectorsChangedSince(0).Count());
        Assert.Equal(10, catalog.ReadVectorsChangedSince(70).Count());
    }
}

using Lookbook.Catalog.Storage;
using Lookbook.Index;
using Lookbook.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lookbook.Cluster.Tests;

/// <summary>
/// The catalog split into shard grains on a real Orleans silo over a real PostgreSQL: the merged top k is exactly the
/// single-node exact top k, filters apply inside the shards, and the shards catch up with the store.
/// </summary>
public sealed class ShardedSearchTests : IAsyncLifetime, IDisposable
{
    private const int Dimension = 16;
    private static readonly string[] Categories = ["Dress", "Bag", "Sneaker", "Coat", "Shirt"];
    private readonly TempDirectory _temp = new();
    private readonly PostgresServer _postgres = PostgresServer.Start();
    private CatalogDatabase _catalog = null!;
    private IHost _silo = null!;

    public async Task InitializeAsync()
    {
        _catalog = CatalogDatabase.OpenPostgres(_postgres.CreateDatabase(), _temp.File("node/catalog"));
        _catalog.SaveProducts([.. Enumerable.Range(0, 600).Select(i => (Product(i), TestVectors.Unit(new Random(i), Dimension)))]);
        _silo = await StartSiloAsync(shards: 4);
    }

    public async Task DisposeAsync()
    {
        await _silo.StopAsync();
        _silo.Dispose();
    }

    // xUnit calls this after DisposeAsync.
    public void Dispose()
    {
        _catalog?.Dispose();
        _postgres.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task The_merged_top_10_of_four_shards_is_the_single_node_exact_top_10()
    {
        using var single = SingleNode();
        var search = _silo.Services.GetRequiredService<ClusterSearch>();
        var random = new Random(2026);
        for (var q = 0; q < 40; q++)
        {
            var query = TestVectors.Unit(random, Dimension);
            var category = q % 4 == 0 ? Categories[q % Categories.Length] : null;

            var answer = await search.SearchAsync(query, 10, category);

            var expected = single.Index.Search(query, 10, category is null ? null : id => single.Categories[id] == category);
            Assert.False(answer.IsPartial, string.Join("; ", answer.Failures.Values));
            Assert.Equal(expected.Select(h => h.Key), answer.Hits.Select(h => h.ProductId));
            Assert.Equal(expected.Select(h => h.Similarity), answer.Hits.Select(h => h.Similarity));
            Assert.All(answer.Hits, h => Assert.True(category is null || single.Categories[h.ProductId] == category));
        }
    }

    [Fact]
    public async Task Every_product_lives_in_exactly_one_shard_and_the_shards_see_new_products()
    {
        var grains = _silo.Services.GetRequiredService<IGrainFactory>();
        var sizes = await Task.WhenAll(Enumerable.Range(0, 4).Select(async s => (await grains.GetGrain<IShardGrain>(s).SearchAsync(new ShardQuery(TestVectors.Unit(new Random(s), Dimension), 1, 4))).Products));
        Assert.Equal(600, sizes.Sum());
        Assert.All(sizes, size => Assert.InRange(size, 100, 200)); // the hash spreads them

        var newcomer = TestVectors.Unit(new Random(99_999), Dimension);
        _catalog.SaveProducts([(Product(600), newcomer)]);
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // the catch-up interval

        var answer = await _silo.Services.GetRequiredService<ClusterSearch>().SearchAsync(newcomer, 1);
        Assert.Equal("p600", answer.Hits.Single().ProductId);
    }

    [Fact]
    public void The_shard_count_is_fixed_by_the_first_cluster_process_and_another_is_refused_naming_it()
    {
        Assert.Equal(6, _catalog.RecordShardCount(6));
        ClusterHosting.EnsureShardCount(_catalog, new ClusterOptions { Shards = 6 });

        var error = Assert.Throws<InvalidOperationException>(() => ClusterHosting.EnsureShardCount(_catalog, new ClusterOptions { Shards = 4 }));
        Assert.Contains("split into 6 shards", error.Message);
        Assert.Contains("Lookbook:Cluster:Shards is 4", error.Message);
    }

    [Fact]
    public async Task HNSW_shards_save_their_graphs_on_the_silo_disk_reopen_them_and_catch_up_in_place()
    {
        var disk = _temp.File("hnsw-silo/catalog");
        var silo = await StartSiloAsync(shards: 4, IndexKind.Approximate, disk);
        try
        {
            var search = silo.Services.GetRequiredService<ClusterSearch>();
            Assert.True(await RecallAsync(search) >= 0.95);
            Assert.All(Enumerable.Range(0, 4), s => Assert.True(File.Exists($"{disk}.shard-{s}-of-4.hnsw"), $"shard {s} saved no graph"));

            var newcomer = TestVectors.Unit(new Random(77_777), Dimension);
            _catalog.SaveProducts([(Product(601), newcomer)]);
            await Task.Delay(TimeSpan.FromSeconds(1.2)); // the catch-up interval
            Assert.Equal("p601", (await search.SearchAsync(newcomer, 1)).Hits.Single().ProductId);
        }
        finally
        {
            await silo.StopAsync();
            silo.Dispose();
        }

        // The silo again: its shards reopen the saved graphs (caught up with what changed meanwhile) and answer as well.
        var logs = new ListLoggerProvider();
        var again = await StartSiloAsync(shards: 4, IndexKind.Approximate, disk, logs);
        try
        {
            Assert.True(await RecallAsync(again.Services.GetRequiredService<ClusterSearch>()) >= 0.95);
            var opened = logs.Messages.Where(m => m.StartsWith("Shard ", StringComparison.Ordinal) && m.Contains("opened", StringComparison.Ordinal)).ToList();
            Assert.Equal(4, opened.Count);
            Assert.All(opened, m => Assert.Contains("HNSW index (saved graph reopened)", m, StringComparison.Ordinal));
        }
        finally
        {
            await again.StopAsync();
            again.Dispose();
        }
    }

    /// <summary>Recall@10 of the cluster's answers against the exact single-node top 10, over 40 queries.</summary>
    private async Task<double> RecallAsync(ClusterSearch search)
    {
        using var single = SingleNode();
        var random = new Random(5);
        var found = 0;
        for (var q = 0; q < 40; q++)
        {
            var query = TestVectors.Unit(random, Dimension);
            var answer = await search.SearchAsync(query, 10);
            Assert.False(answer.IsPartial, string.Join("; ", answer.Failures.Values));
            found += single.Index.Search(query, 10).Select(h => h.Key).Intersect(answer.Hits.Select(h => h.ProductId)).Count();
        }

        return found / 400.0;
    }

    private async Task<IHost> StartSiloAsync(int shards, IndexKind kind = IndexKind.Exact, string? databasePath = null, ListLoggerProvider? logs = null)
    {
        var host = Host.CreateDefaultBuilder()
            .UseOrleans(silo => silo.UseLocalhostClustering(siloPort: Loopback.FreePort(), gatewayPort: Loopback.FreePort()))
            .ConfigureLogging(logging =>
            {
                logging.SetMinimumLevel(LogLevel.Warning);
                if (logs is not null)
                {
                    logging.AddProvider(logs).AddFilter<ListLoggerProvider>(typeof(ShardGrain).FullName, LogLevel.Information);
                }
            })
            .ConfigureServices(services =>
            {
                services.AddSingleton(_catalog);
                services.AddSingleton(TimeProvider.System);
                // These tests check what shards answer and how it is merged, not the deadline (ClusterProcessTests do): on a
                // loaded machine a shard's first answer (its vectors read from PostgreSQL) once took longer than the default 2 s.
                services.Configure<ClusterOptions>(o => (o.Shards, o.ShardTimeout) = (shards, TimeSpan.FromSeconds(30)));
                services.Configure<IndexOptions>(o => o.Kind = kind);
                services.Configure<StorageOptions>(o => o.DatabasePath = databasePath ?? _temp.File("node/catalog"));
                services.AddSingleton<ClusterSearch>();
            })
            .Build();
        await host.StartAsync();
        return host;
    }

    private SingleNodeIndex SingleNode()
    {
        var index = new ExactVectorIndex(Dimension);
        foreach (var stored in _catalog.ReadVectors())
        {
            index.Upsert(stored.ProductId, stored.Vector);
        }

        return new SingleNodeIndex(index, _catalog.ReadAllProducts().ToDictionary(p => p.Id, p => p.Category));
    }

    private static ProductRecord Product(int i) =>
        new($"p{i}", "test", $"Product {i}", Categories[i % Categories.Length], new Dictionary<string, string>(), $"m{i}", $"h{i}", null, [1], "PNG", 1, 1);



    private sealed record SingleNodeIndex(ExactVectorIndex Index, Dictionary<string, string> Categories) : IDisposable
    {
        public void Dispose() => Index.Dispose();
    }

    /// <summary>Keeps what the shards log, to read how they opened their indexes.</summary>
    private sealed class ListLoggerProvider : ILoggerProvider
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new ListLogger(this);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ListLoggerProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (provider._messages)
                {
                    provider._messages.Add(formatter(state, exception));
                }
            }
        }
    }
}

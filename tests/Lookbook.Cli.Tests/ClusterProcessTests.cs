using System.Diagnostics;
using System.Globalization;
using Lookbook.Catalog.Storage;
using Lookbook.Cluster;
using Lookbook.Index;
using Lookbook.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Lookbook.Cli.Tests;

/// <summary>
/// A Lookbook cluster of real processes: PostgreSQL and Redis on loopback ports, three <c>lookbook silo</c> processes and
/// a client. Searches equal the single-node exact top 10; kill -9 of a silo under a query load: queries keep being
/// answered (partial answers say so) and return to exactly the single-node top 10 once its shards have moved.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class ClusterProcessTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int Dimension = 16;
    private static readonly TimeSpan StartTimeout = LocalCluster.StartTimeout;
    private readonly LocalCluster _cluster = new(new Dictionary<string, string>
    {
        ["ClusterId"] = "test", ["Shards"] = "6", ["ShardTimeout"] = "00:00:02", ["ProbeTimeout"] = "00:00:01",
    });

    private readonly List<LookbookProcess> _silos = [];
    private CatalogDatabase _catalog = null!;

    public Task InitializeAsync()
    {
        _catalog = CatalogDatabase.OpenPostgres(_cluster.Connection, _cluster.Temp.File("test/catalog"));
        _catalog.SaveProducts([.. Enumerable.Range(0, 900).Select(i => (Product(i), TestVectors.Unit(new Random(i), Dimension)))]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    // xUnit calls this after DisposeAsync.
    public void Dispose()
    {
        _catalog?.Dispose();
        _cluster.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task One_or_two_silos_answer_like_one_node(int silos)
    {
        for (var s = 0; s < silos; s++)
        {
            _silos.Add(await StartSiloAsync(s));
        }

        using var client = ClusterHosting.BuildClient(_cluster.ClientConfiguration());
        await client.StartAsync();
        await AssertSameAnswersAsync(client.Services.GetRequiredService<ClusterSearch>(), new Random(silos), silos);
    }

    [Fact]
    public async Task Three_silos_answer_like_one_node_and_survive_the_kill_of_one()
    {
        for (var s = 0; s < 3; s++)
        {
            _silos.Add(await StartSiloAsync(s));
        }

        using var client = ClusterHosting.BuildClient(_cluster.ClientConfiguration());
        await client.StartAsync();
        var search = client.Services.GetRequiredService<ClusterSearch>();
        using var single = SingleNode();
        var random = new Random(7);
        await AssertSameAnswersAsync(search, random, 3);

        // kill -9 one silo under a query load; count what the shoppers would have seen until answers are whole again.
        _silos[1].KillHard();
        var killed = Stopwatch.StartNew();
        int complete = 0, partial = 0, failed = 0, inARow = 0;
        TimeSpan? recovered = null;
        while (killed.Elapsed < TimeSpan.FromSeconds(120) && recovered is null)
        {
            var query = TestVectors.Unit(random, Dimension);
            try
            {
                var answer = await search.SearchAsync(query, 10);
                var exact = !answer.IsPartial && single.Search(query, 10).Select(h => h.Key).SequenceEqual(answer.Hits.Select(h => h.ProductId));
                (complete, partial) = answer.IsPartial ? (complete, partial + 1) : (complete + 1, partial);
                inARow = exact ? inARow + 1 : 0;
                if (inARow == 20)
                {
                    recovered = killed.Elapsed;
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                failed++;
                inARow = 0;
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"after kill -9 of one of 3 silos: {complete} complete, {partial} partial, {failed} failed queries; whole and exact again after {recovered?.TotalSeconds:F1} s"));
        Assert.True(recovered is not null, $"answers were not whole again within 120 s: {complete} complete, {partial} partial, {failed} failed");
        Assert.Equal(0, failed); // a shard that cannot answer makes an answer partial, never an error
    }

    /// <summary>Once every shard answers: 20 queries, each top 10 equal to the single-node exact top 10.</summary>
    private async Task AssertSameAnswersAsync(ClusterSearch search, Random random, int silos)
    {
        using var single = SingleNode();

        // Each shard loads from PostgreSQL when first asked: the first answers may be partial, and say so.
        var warming = Stopwatch.StartNew();
        while ((await search.SearchAsync(TestVectors.Unit(random, Dimension), 10)).IsPartial)
        {
            Assert.True(warming.Elapsed < StartTimeout, "the shards did not all answer within the start timeout");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"6 shards on {silos} silo{(silos == 1 ? "" : "s")} activated and answering after {warming.Elapsed.TotalSeconds:F1} s"));
        for (var q = 0; q < 20; q++)
        {
            var query = TestVectors.Unit(random, Dimension);
            var answer = await search.SearchAsync(query, 10);

            // The suite runs test assemblies side by side on two cores, and a starved silo can miss the 2 s shard
            // deadline this test sets for the kill below. That is latency (benchmarked elsewhere), not a wrong answer:
            // ask again, and fail only when the shards keep missing it or answer wrongly.
            for (var retry = 0; answer.IsPartial && retry < 3; retry++)
            {
                output.WriteLine($"partial answer ({string.Join("; ", answer.Failures.Values)}); asking again");
                answer = await search.SearchAsync(query, 10);
            }

            Assert.False(answer.IsPartial, string.Join("; ", answer.Failures.Values));
            Assert.Equal(single.Search(query, 10).Select(h => h.Key), answer.Hits.Select(h => h.ProductId));
        }
    }

    [Fact]
    public async Task Each_silo_reports_health_and_metrics_and_a_rolling_restart_fails_no_query()
    {
        var health = new[] { Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort() };
        for (var s = 0; s < 3; s++)
        {
            _silos.Add(await StartSiloAsync(s, health[s]));
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var port in health)
        {
            await WaitReadyAsync(http, port);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{port}/health/live")).StatusCode);
        }

        using var client = ClusterHosting.BuildClient(_cluster.ClientConfiguration());
        await client.StartAsync();
        var search = client.Services.GetRequiredService<ClusterSearch>();
        var random = new Random(11);
        await AssertSameAnswersAsync(search, random, 3);

        // Metrics per grain type (Orleans') and per shard (ours), scraped from the silos as Prometheus would.
        var scraped = string.Concat(await Task.WhenAll(health.Select(port => http.GetStringAsync($"http://127.0.0.1:{port}/metrics"))));
        Assert.Contains("lookbook_shard_search_duration", scraped, StringComparison.Ordinal);
        Assert.Contains("orleans_catalog_activations{otel_scope_name=\"Microsoft.Orleans\",grain_type=\"shard\"}", scraped, StringComparison.Ordinal);

        // A rolling restart under a query load: each silo in turn stopped (SIGTERM: it leaves the cluster, its shards
        // move), started again and waited for until ready, as an orchestrator does it.
        using var stop = new CancellationTokenSource();
        int complete = 0, partial = 0, failed = 0;
        var load = Task.Run(async () =>
        {
            var queries = new Random(12);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var answer = await search.SearchAsync(TestVectors.Unit(queries, Dimension), 10);
                    _ = answer.IsPartial ? Interlocked.Increment(ref partial) : Interlocked.Increment(ref complete);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        });
        var restart = Stopwatch.StartNew();
        for (var s = 0; s < 3; s++)
        {
            Assert.Equal(0, await _silos[s].StopAsync(TimeSpan.FromSeconds(30)));
            _silos[s] = await StartSiloAsync(s, health[s]);
            await WaitReadyAsync(http, health[s]);
        }

        await Task.Delay(1000);
        await stop.CancelAsync();
        await load;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rolling restart of 3 silos in {restart.Elapsed.TotalSeconds:F1} s under a query load: {complete} complete, {partial} partial, {failed} failed"));
        Assert.Equal(0, failed);
        await AssertSameAnswersAsync(search, random, 3);
    }

    private static async Task WaitReadyAsync(HttpClient http, int port)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var response = await http.GetAsync($"http://127.0.0.1:{port}/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    Assert.Contains("cluster: Healthy", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            Assert.True(waited.Elapsed < StartTimeout, $"the silo with health port {port} was not ready within {StartTimeout}");
            await Task.Delay(200);
        }
    }

    private Task<LookbookProcess> StartSiloAsync(int number, int? healthPort = null) =>
        healthPort is { } port
            ? _cluster.StartSiloAsync($"silo{number}", "--health-port", port.ToString(CultureInfo.InvariantCulture))
            : _cluster.StartSiloAsync($"silo{number}");

    private ExactVectorIndex SingleNode()
    {
        var index = new ExactVectorIndex(Dimension);
        foreach (var stored in _catalog.ReadVectors())
        {
            index.Upsert(stored.ProductId, stored.Vector);
        }

        return index;
    }

    private static ProductRecord Product(int i) =>
        new($"p{i}", "test", $"Product {i}", i % 2 == 0 ? "Dress" : "Bag", new Dictionary<string, string>(), $"m{i}", $"h{i}", null, [1], "PNG", 1, 1);


}

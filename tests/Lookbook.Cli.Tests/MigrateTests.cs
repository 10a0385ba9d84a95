using Lookbook.Testing;

namespace Lookbook.Cli.Tests;

/// <summary><c>lookbook migrate --to postgres</c> against a real PostgreSQL, then the catalog served from there.</summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class MigrateTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly TempDirectory _temp = new();
    private readonly PostgresServer _postgres = PostgresServer.Start();

    public void Dispose()
    {
        _postgres.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_sqlite_catalog_copied_to_postgres_answers_the_same_searches_from_there()
    {
        var sqlite = _temp.File("shop.db");
        var import = await LookbookProcess.RunAsync(_temp.Path, Timeout, "import", "fashion-mnist", RepositoryPaths.SampleCatalog, "--limit", "120", "--db", sqlite);
        Assert.True(import.ExitCode == ExitCodes.Success, import.Output);
        var connection = _postgres.CreateDatabase();

        var migrate = await LookbookProcess.RunAsync(_temp.Path, Timeout, "migrate", "--to", "postgres", "--connection", connection, "--db", sqlite);

        Assert.True(migrate.ExitCode == ExitCodes.Success, migrate.Output);
        Assert.Contains("Copied and checked 120 products, 120 vectors", migrate.Output);

        // A second copy into the same database is refused: nothing is duplicated.
        var again = await LookbookProcess.RunAsync(_temp.Path, Timeout, "migrate", "--to", "postgres", "--connection", connection, "--db", sqlite);
        Assert.Equal(ExitCodes.Failure, again.ExitCode);
        Assert.Contains("already holds products", again.Output);

        // The same search from the SQLite file and from PostgreSQL (configured in lookbook.json) gives the same list.
        var query = Path.Combine(RepositoryPaths.Queries, "bag.png");
        var fromFile = await LookbookProcess.RunAsync(_temp.Path, Timeout, "search", query, "-k", "5", "--json", "--db", sqlite);
        var cluster = Directory.CreateDirectory(_temp.File("cluster")).FullName;
        File.WriteAllText(Path.Combine(cluster, "lookbook.json"), $$"""
            { "Lookbook": { "Storage": { "Provider": "Postgres", "ConnectionString": "{{connection}}", "DatabasePath": "node/catalog" } } }
            """);
        var fromPostgres = await LookbookProcess.RunAsync(cluster, Timeout, "search", query, "-k", "5", "--json");
        Assert.True(fromPostgres.ExitCode == ExitCodes.Success, fromPostgres.Output);
        Assert.Equal(Ids(fromFile.Output), Ids(fromPostgres.Output));
        var stats = await LookbookProcess.RunAsync(cluster, Timeout, "stats");
        Assert.Contains("120", stats.Output);

        // And through a cluster: one silo process over that database, the photo embedded by the searching process.
        using var redis = RedisServer.Start();
        File.WriteAllText(Path.Combine(cluster, "lookbook.json"), $$"""
            {
              "Lookbook": {
                "Storage": { "Provider": "Postgres", "ConnectionString": "{{connection}}", "DatabasePath": "node/catalog" },
                "Cluster": { "Redis": "{{redis.Configuration}}", "ClusterId": "migrated", "Shards": 3 }
              }
            }
            """);
        await using var silo = LookbookProcess.Start(cluster, "silo", "--silo-port", Loopback.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--gateway-port", Loopback.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!silo.Output.Contains("Silo ready", StringComparison.Ordinal))
        {
            Assert.False(silo.HasExited || waited.Elapsed > Timeout, silo.Output);
            await Task.Delay(100);
        }

        var throughCluster = await LookbookProcess.RunAsync(cluster, Timeout, "search", query, "-k", "5", "--json", "--cluster");
        Assert.True(throughCluster.ExitCode == ExitCodes.Success, throughCluster.Output);
        Assert.Equal(Ids(fromFile.Output), Ids(throughCluster.Output));

        // And through an HTTP front end of the cluster (`serve --cluster`), as a shop's servers would ask it.
        var port = Loopback.FreePort();
        await using var frontEnd = LookbookProcess.Start(cluster, "serve", "--cluster", "--urls", $"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        waited.Restart();
        while (!await IsReadyAsync(http))
        {
            Assert.False(frontEnd.HasExited || waited.Elapsed > Timeout, frontEnd.Output);
            await Task.Delay(200);
        }

        using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(query)), "image", "bag.png" } };
        var response = await http.PostAsync("/api/search?k=5", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var results = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(Ids(fromFile.Output), [.. results.Select(r => r.GetProperty("product").GetProperty("id").GetString()!)]);
        Assert.False(System.Text.Json.JsonDocument.Parse(body).RootElement.TryGetProperty("missingShards", out _));
        var thumbnail = await http.GetAsync(results[0].GetProperty("product").GetProperty("thumbnailUrl").GetString());
        Assert.Equal("image/png", thumbnail.Content.Headers.ContentType?.MediaType);

        // A file that is not a photo is the client's problem, named, not a server fault.
        using var text = new MultipartFormDataContent { { new ByteArrayContent("not a photo"u8.ToArray()), "image", "notes.txt" } };
        var refused = await http.PostAsync("/api/search", text);
        Assert.InRange((int)refused.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<bool> IsReadyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("/health/ready")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }


    private static List<string> Ids(string json) =>
        [.. System.Text.Json.JsonDocument.Parse(json[json.IndexOf('{', StringComparison.Ordinal)..]).RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!)];
}

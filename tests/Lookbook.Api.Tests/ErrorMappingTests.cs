using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Lookbook.Catalog.Storage;
using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Lookbook.Api.Tests;

/// <summary>Exceptions become problems in one place: client errors are 4xx with a readable title, never a 500.</summary>
[Collection(CatalogCollection.Name)]
public sealed class ErrorMappingTests(CatalogFixture catalog)
{
    private static readonly byte[] Sneaker = File.ReadAllBytes(Path.Combine(RepositoryPaths.Queries, "sneaker.png"));

    [Fact]
    public async Task A_crop_under_one_pixel_is_400_crop_too_small()
    {
        await using var factory = new LookbookFactory(catalog.Database);
        using var client = factory.CreateClient();

        // A valid fraction, but of a 28x28 photo it is not even one pixel.
        var response = await client.PostAsync("/api/search?crop=0.5,0.5,0.001,0.001", ApiTestHelpers.Photo(Sneaker));

        var problem = await response.AssertProblem(400, "Crop too small");
        Assert.Contains("0x0 pixels", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_multipart_body_without_its_closing_boundary_is_400_malformed_upload()
    {
        await using var factory = new LookbookFactory(catalog.Database);
        using var client = factory.CreateClient();
        var head = "--cut\r\nContent-Disposition: form-data; name=\"image\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n"u8.ToArray();
        var content = new ByteArrayContent([.. head, .. Sneaker[..100]]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cut");

        var response = await client.PostAsync("/api/search", content);

        var problem = await response.AssertProblem(400, "Malformed upload");
        Assert.Contains("closing boundary", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_body_that_stops_arriving_is_408()
    {
        // Kestrel's body-rate limit from configuration: 2 s of grace instead of 5, so the test is quick.
        await using var app = await KestrelApp.StartAsync(catalog.Database, new Dictionary<string, string?>
        {
            ["Kestrel:Limits:MinRequestBodyDataRate:BytesPerSecond"] = "1000",
            ["Kestrel:Limits:MinRequestBodyDataRate:GracePeriod"] = "00:00:02",
        });
        var clock = Stopwatch.StartNew();
        using var client = await app.SendHeadAsync("/api/search", "image/png", 100_000);
        await client.GetStream().WriteAsync(Sneaker.AsMemory(0, 10));

        var response = await KestrelApp.ReadToCloseAsync(client, TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 408", response);
        Assert.Contains("Content-Type: application/problem+json", response);
        Assert.Contains("\"title\":\"Request timeout\"", response);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.Elapsed}: the configured grace period was not used");
    }

    [Fact]
    public async Task A_catalog_indexed_with_another_model_is_409_with_the_way_out()
    {
        using var temp = new TempDirectory();
        var path = catalog.CopyDatabase(temp);
        await using var factory = new LookbookFactory(path, new Dictionary<string, string?> { ["Lookbook:Api:ApiKey"] = "s3cret" });
        using var client = factory.CreateClient();
        // The warm-up refuses to start on a mismatched catalog, so the catalog changes model under a running server.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var database = CatalogDatabase.Open(path);
        var dimension = database.GetEmbeddingProfile()!.Dimension;
        database.ResetEmbeddings(new EmbeddingProfile("other.onnx", "000000000000", [], 64, "input=64", ModelPrecision.Float32, null, null, dimension));
        var vector = Enumerable.Repeat(1f / MathF.Sqrt(dimension), dimension).ToArray();
        database.SaveVectors([("fmnist-train-00001", vector), ("fmnist-train-00002", vector), ("fmnist-train-00003", vector)]);
        var reload = new HttpRequestMessage(HttpMethod.Post, "/api/catalog/reload");
        reload.Headers.Add("X-Api-Key", "s3cret");
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(reload)).StatusCode);

        var response = await client.PostAsync("/api/search", ApiTestHelpers.Photo(Sneaker));

        var problem = await response.AssertProblem(409, "Catalog indexed with another model");
        Assert.Contains("lookbook reindex", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Similar_products_of_an_empty_catalog_are_404_unknown_product_not_503()
    {
        using var temp = new TempDirectory();
        await using var factory = new LookbookFactory(temp.File("empty.db"));
        using var client = factory.CreateClient();

        await (await client.GetAsync("/api/products/fmnist-train-00001/similar")).AssertProblem(404, "Unknown product");
        await (await client.PostAsync("/api/search", ApiTestHelpers.Photo(Sneaker))).AssertProblem(503, "Catalog is empty");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_that_hangs_up_mid_upload_is_no_error_in_the_log(bool reset)
    {
        await using var app = await KestrelApp.StartAsync(catalog.Database);
        using var client = await app.SendHeadAsync("/api/search", "multipart/form-data; boundary=cut", 100_000);
        await client.GetStream().WriteAsync("--cut\r\nContent-Disposition: form-data; name=\"image\"; filename=\"photo.png\"\r\n\r\n"u8.ToArray());
        await client.GetStream().WriteAsync(Sneaker);
        await Task.Delay(300); // the server is now waiting for the rest of the body

        if (reset)
        {
            // A TCP reset instead of a FIN; on the socket itself, as TcpClient would shut the connection down first.
            client.Client.LingerState = new LingerOption(true, 0);
            client.Client.Close();
        }
        else
        {
            client.Close();
        }

        await app.WaitForRequestFinishedAsync(TimeSpan.FromSeconds(10));

        var entries = app.Logs.Entries.ToList();
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Error);
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Warning && e.Exception is not null);
        Assert.DoesNotContain(entries, e => e.Message.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_fault_is_500_internal_error_that_reveals_nothing_and_is_logged_with_its_stack_trace()
    {
        using var temp = new TempDirectory();
        var path = catalog.CopyDatabase(temp);
        var logs = new LogCollector();
        await using var factory = new LookbookFactory(path).WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/categories")).StatusCode);
        // A fault no handler expects: the store loses a table under the running server.
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE embeddings RENAME TO embeddings_gone";
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();

        var response = await client.GetAsync("/api/categories");

        var problem = await response.AssertProblem(500, "Internal error");
        var body = problem.GetRawText();
        Assert.DoesNotContain("embeddings", body);
        Assert.DoesNotContain("Sqlite", body);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Exception is SqliteException);
    }
}

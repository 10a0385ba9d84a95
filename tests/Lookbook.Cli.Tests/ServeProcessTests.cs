using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Lookbook.Catalog.Sources;
using Lookbook.Testing;
using Xunit.Abstractions;

namespace Lookbook.Cli.Tests;

/// <summary>`lookbook serve` as a real process: configured like every command, and catching up with imports by itself.</summary>
public sealed class ServeProcessTests(ITestOutputHelper log)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromSeconds(60);

    // Generous on purpose: CI runs the training tests beside these on two cores, and a starved first
    // request once took over 10 s. The catch-up time actually seen is logged; speed is the benchmark's job.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("5102")]
    [InlineData("ftp://127.0.0.1:5102")]
    public async Task A_wrong_url_is_one_line_naming_it(string urls)
    {
        using var temp = new TempDirectory();

        var (exitCode, output) = await LookbookProcess.RunAsync(temp.Path, StartTimeout, "--db", temp.File("shop.db"), "serve", "--urls", urls);

        Assert.Equal(2, exitCode);
        Assert.Contains($"--urls expects URLs such as http://127.0.0.1:5000 (several separated by ';'); got '{urls}'.", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_saying_so()
    {
        using var temp = new TempDirectory();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var (exitCode, output) = await LookbookProcess.RunAsync(temp.Path, StartTimeout, "--db", temp.File("shop.db"), "serve", "--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(1, exitCode);
        Assert.Contains($"Port {port} is already in use", output);
        Assert.DoesNotContain("   at ", output);
        Assert.False(File.Exists(temp.File("shop.db")), "nothing is created for a server that cannot start");
    }

    [Fact]
    public async Task A_catalog_indexed_with_another_model_stops_the_start_in_one_message()
    {
        using var temp = new TempDirectory();
        var db = temp.File("shop.db");
        await ImportAsync(temp.Path, db, limit: 5);

        var (exitCode, output) = await LookbookProcess.RunAsync(temp.Path, StartTimeout, "--db", db, "--input-size", "96", "serve", "--urls", $"http://127.0.0.1:{FreePort()}");

        Assert.Equal(ExitCodes.EmbeddingMismatch, exitCode);
        Assert.Contains("lookbook reindex", output);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Hosting failed to start", output);
    }

    [Fact]
    public async Task Serve_honours_lookbook_json_in_the_working_folder()
    {
        using var temp = new TempDirectory();
        var db = temp.File("shop.db");
        await ImportAsync(temp.Path, db, limit: 20);
        File.WriteAllText(temp.File("lookbook.json"), JsonSerializer.Serialize(new
        {
            Lookbook = new { Storage = new { DatabasePath = db }, Api = new { ApiKey = "secret-key" } },
        }));

        await using var server = await ServeAsync(temp.Path); // no --db: the database comes from lookbook.json

        var categories = await server.Client.GetFromJsonAsync<JsonElement>("/api/categories");
        var served = categories.EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("products").GetInt32());
        Assert.True(ExpectedCategories(limit: 20).OrderBy(c => c.Key).SequenceEqual(served.OrderBy(c => c.Key)), $"served {categories}\n{server.Output}");
        Assert.False(File.Exists(temp.File("lookbook.db")), $"the server created lookbook.db beside lookbook.json\n{server.Output}");
        Assert.Equal(HttpStatusCode.Unauthorized, await ReloadAsync(server.Client, "wrong-key"));
        Assert.Equal(HttpStatusCode.NoContent, await ReloadAsync(server.Client, "secret-key"));
    }

    [Fact]
    public async Task A_running_server_sees_an_import_by_the_cli_within_seconds()
    {
        using var temp = new TempDirectory();
        var db = temp.File("catalog.db");
        await ImportAsync(temp.Path, db, limit: 20);
        await using var server = await ServeAsync(temp.Path, "--db", db);
        const string oldId = "fmnist-train-00000";
        const string newId = "fmnist-train-00030"; // only the second import adds it
        Assert.Equal(HttpStatusCode.NotFound, await SimilarStatusAsync(server.Client, newId));
        Assert.Equal(19, await CountSimilarAsync(server, oldId)); // everything but the product itself

        await ImportAsync(temp.Path, db, limit: 40);
        var sinceImport = Stopwatch.StartNew();
        // The import commits in batches: wait for all of it, not only for the batch holding newId.
        while (!await SearchesAllAsync(server, newId, oldId, products: 40) && sinceImport.Elapsed < CatchUpTimeout)
        {
            await Task.Delay(100);
        }

        var caughtUpAfter = sinceImport.Elapsed;
        Assert.True(await SearchesAllAsync(server, newId, oldId, products: 40), $"search does not see the 40 products {caughtUpAfter.TotalSeconds:F1} s after the import ended\n{server.Output}");
        log.WriteLine($"search saw the import {caughtUpAfter.TotalSeconds:F2} s after it ended");

        // A photo of the new product finds it first: the photo search serves the same caught-up catalog.
        var photo = await server.Client.GetByteArrayAsync($"/api/products/{newId}/image");
        Assert.Equal(newId, await TopHitForPhotoAsync(server, photo));
    }

    /// <summary>What the server should list: the categories of the first <paramref name="limit"/> sample images, counted.</summary>
    private static Dictionary<string, int> ExpectedCategories(int limit) =>
        new FashionMnistSource(RepositoryPaths.SampleCatalog, "train", limit).ReadEntries()
            .GroupBy(e => e.Item!.Category)
            .ToDictionary(g => g.Key, g => g.Count());

    private static async Task ImportAsync(string workingDirectory, string db, int limit)
    {
        var (exitCode, output) = await LookbookProcess.RunAsync(workingDirectory, ImportTimeout,
            "import", "fashion-mnist", RepositoryPaths.SampleCatalog, "--limit", limit.ToString(CultureInfo.InvariantCulture), "--db", db);
        Assert.True(exitCode == ExitCodes.Success, $"import --limit {limit}: exit {exitCode}\n{output}");
    }

    /// <summary>Starts <c>lookbook serve</c> on a free port and waits until it reports itself ready.</summary>
    private static async Task<RunningServer> ServeAsync(string workingDirectory, params string[] args)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var process = LookbookProcess.Start(workingDirectory, ["serve", "--urls", url, "--verbose", .. args]);
        var server = new RunningServer(process, new HttpClient { BaseAddress = new Uri(url), Timeout = RequestTimeout });
        try
        {
            await server.WaitUntilReadyAsync(StartTimeout);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static async Task<HttpStatusCode> ReloadAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/catalog/reload");
        request.Headers.Add("X-Api-Key", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> SimilarStatusAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/api/products/{id}/similar?k=1");
        return response.StatusCode;
    }

    /// <summary>Whether search knows <paramref name="addedId"/> and all <paramref name="products"/> products (similar to <paramref name="anyId"/>: all but itself).</summary>
    private static async Task<bool> SearchesAllAsync(RunningServer server, string addedId, string anyId, int products) =>
        await SimilarStatusAsync(server.Client, addedId) == HttpStatusCode.OK && await CountSimilarAsync(server, anyId) == products - 1;

    private static async Task<string?> TopHitForPhotoAsync(RunningServer server, byte[] png)
    {
        using var content = new ByteArrayContent(png);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var response = await server.Client.PostAsync("/api/search?k=3&category=any", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{server.Output}");
        return JsonDocument.Parse(body).RootElement.GetProperty("results")[0].GetProperty("product").GetProperty("id").GetString();
    }

    /// <summary>How many products search finds similar to <paramref name="id"/> when asked for all of them (at most 100).</summary>
    private static async Task<int> CountSimilarAsync(RunningServer server, string id)
    {
        using var response = await server.Client.GetAsync($"/api/products/{id}/similar?k=100");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}\n{server.Output}");
        return JsonDocument.Parse(body).RootElement.GetProperty("results").GetArrayLength();
    }

    /// <summary>A served catalog: the process and a client for its address; disposing stops the process.</summary>
    private sealed class RunningServer(LookbookProcess process, HttpClient client) : IAsyncDisposable
    {
        public HttpClient Client { get; } = client;

        public string Output => process.Output;

        public async Task WaitUntilReadyAsync(TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout)
            {
                Assert.False(process.HasExited, $"lookbook serve ended (exit {(process.HasExited ? process.ExitCode : 0)}) before it was ready\n{Output}");
                try
                {
                    using var response = await Client.GetAsync("/health/ready");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet, or busy loading.
                }

                await Task.Delay(100);
            }

            Assert.Fail($"lookbook serve was not ready within {timeout}\n{Output}");
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await process.DisposeAsync();
        }
    }
}

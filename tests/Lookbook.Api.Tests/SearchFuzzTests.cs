using System.Net;
using Lookbook.Testing;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Lookbook.Api.Tests;

/// <summary>
/// A bounded, seeded fuzz of POST /api/search on a real Kestrel port: mutated images in right, wrong and broken
/// multipart framing or raw bodies, with random parameters. Every answer is a client error or a success — never a
/// 5xx, never a fault in the log — and the server still searches afterwards. A failure names the seed and the case;
/// LOOKBOOK_FUZZ_SEED and LOOKBOOK_FUZZ_COUNT replay or lengthen a run.
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class SearchFuzzTests(CatalogFixture catalog, ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Hostile_uploads_get_client_errors_and_the_server_lives()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("LOOKBOOK_FUZZ_SEED"), out var s) ? s : 20261201;
        var count = int.TryParse(Environment.GetEnvironmentVariable("LOOKBOOK_FUZZ_COUNT"), out var c) ? c : 600;
        await using var server = await KestrelApp.StartAsync(catalog.CopyDatabase(_temp), new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning", // faults are logged at Error: those are what this test looks for
            ["Lookbook:Api:SearchesPerMinute"] = "0", // the fuzz is one client; the limiter is not what is tested
        });
        var fuzzer = new UploadFuzzer(seed, UploadFuzzer.DefaultCorpus());
        var answers = new Dictionary<int, int>();
        var failures = new List<string>();

        for (var i = 0; i < count; i++)
        {
            var fuzz = fuzzer.Next();
            var status = await FuzzClient.SendAsync(fuzz, "127.0.0.1", server.Port, TimeSpan.FromSeconds(60));
            answers[status ?? 0] = answers.GetValueOrDefault(status ?? 0) + 1;
            if (status is null or >= 500)
            {
                failures.Add($"seed {seed} {fuzz}: {(status is null ? "no answer" : status.ToString())}");
            }
        }

        var faults = server.Logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.ToString()).Distinct().ToList();
        var summary = string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}"));
        output.WriteLine($"seed {seed}, {count} cases: {summary}");
        Assert.True(failures.Count == 0, $"answers {summary}\n" + string.Join("\n", failures.Take(20)));
        Assert.True(faults.Count == 0, $"answers {summary}\nfaults logged:\n" + string.Join("\n", faults.Take(20)));
        // The fuzz reached both sides: photos that were searched and uploads that were refused.
        Assert.True(answers.GetValueOrDefault(200) > count / 20, summary);
        Assert.True(answers.Where(a => a.Key is >= 400 and < 500).Sum(a => a.Value) > count / 3, summary);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}") };
        var photo = File.ReadAllBytes(Path.Combine(RepositoryPaths.Queries, "sneaker.png"));
        var after = await http.PostAsync("/api/search?k=3", ApiTestHelpers.Photo(photo));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
    }
}

using System.Net;
using System.Text.Json;
using Lookbook.Catalog.Storage;
using Lookbook.Testing;

namespace Lookbook.Api.Tests;

/// <summary>Product ids with slashes and percent signs, on a real Kestrel (which, unlike the in-memory server, keeps %2F encoded).</summary>
public sealed class ProductIdTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Catalog()
    {
        var path = _temp.File("catalog.db");
        ProductRecord Product(string id, string title, string? imagePath = null) =>
            new(id, "test", title, "Dresses", new Dictionary<string, string>(), "m-" + id, "h-" + id, imagePath, imagePath is null ? [1, 2, 3] : null, "PNG", 28, 28);
        CatalogDatabase.Open(path).SaveProducts([
            (Product("dresses/a%2Fb.png", "The one with a percent sign"), null),
            (Product("dresses/a/b.png", "The one in a subfolder"), null),
            (Product("dresses/gone.png", "Its file was deleted", imagePath: _temp.File("no-such-folder/gone.png")), null),
        ]);
        return path;
    }

    [Theory]
    [InlineData("dresses%2Fa%252Fb.png", "The one with a percent sign")]
    [InlineData("dresses%2Fa%2Fb.png", "The one in a subfolder")]
    public async Task An_id_is_decoded_once_so_no_two_ids_alias(string encoded, string title)
    {
        await using var app = await KestrelApp.StartAsync(Catalog());
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{app.Port}") };

        var product = JsonDocument.Parse(await client.GetStringAsync($"/api/products/{encoded}")).RootElement;

        Assert.Equal(title, product.GetProperty("title").GetString());
        Assert.Equal(Uri.UnescapeDataString(encoded), product.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_missing_image_file_is_404_without_the_servers_path()
    {
        await using var app = await KestrelApp.StartAsync(Catalog());
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{app.Port}") };

        var response = await client.GetAsync("/api/products/dresses%2Fgone.png/image");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("can no longer be read", body);
        Assert.DoesNotContain(_temp.Path, body);
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains(_temp.Path, StringComparison.Ordinal)); // the server's log keeps it
    }
}

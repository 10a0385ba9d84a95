using System.Net;
using System.Net.Http.Json;
using Lookbook.Testing;

namespace Lookbook.Api.Tests;

[Collection(CatalogCollection.Name)]
public sealed class ShopperApiTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly LookbookFactory _factory;

    public ShopperApiTests(CatalogFixture catalog) => _factory = new LookbookFactory(catalog.CopyDatabase(_temp));

    public void Dispose()
    {
        _factory.Dispose();
        _temp.Dispose();
    }

    /// <summary>A client that, like a browser, keeps the profile cookie.</summary>
    private async Task<(HttpClient Client, string Token)> NewShopperAsync()
    {
        var client = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        var response = await client.PostAsync("/api/profile", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("lookbook_shopper=", StringComparison.Ordinal) && c.Contains("httponly"));
        var token = (await response.Json()).GetProperty("token").GetString()!;
        Assert.True(token.Length >= 40, "tokens must be unguessable");
        return (client, token);
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string productId, string kind) =>
        client.PostAsJsonAsync("/api/me/events", new { productId, kind });

    [Fact]
    public async Task Malformed_json_is_a_problem_that_says_the_body_is_not_json()
    {
        var (client, _) = await NewShopperAsync();

        var response = await client.PostAsync("/api/me/events", new StringContent("{\"productId\": ", System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblem(400, "Malformed request");
        Assert.Contains("JSON", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Events_are_recorded_and_read_back_newest_first()
    {
        var (client, _) = await NewShopperAsync();

        Assert.Equal(HttpStatusCode.Created, (await Send(client, "fmnist-train-00001", "view")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Send(client, "fmnist-train-00001", "LIKE")).StatusCode);

        var history = await (await client.GetAsync("/api/me/history")).Json();
        var events = history.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["like", "view"], events.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal("T-shirt/top", events[0].GetProperty("product").GetProperty("category").GetString());
    }

    /// <summary>The shopper's reactions as "liked: a b | disliked: | inCart: a".</summary>
    private static async Task<string> ReactionsAsync(HttpClient client)
    {
        var body = await (await client.GetAsync("/api/me/reactions")).Json();
        string Of(string name) => $"{name}: {string.Join(' ', body.GetProperty(name).EnumerateArray().Select(e => e.GetString()!.Replace("fmnist-train-", "")))}".TrimEnd();
        return $"{Of("liked")} | {Of("disliked")} | {Of("inCart")}";
    }

    [Fact]
    public async Task A_like_a_not_for_me_and_a_cart_can_be_taken_back_and_like_and_not_for_me_exclude_each_other()
    {
        var (client, _) = await NewShopperAsync();
        const string Shirt = "fmnist-train-00001";
        const string Other = "fmnist-train-00002";
        await Send(client, Shirt, "like");
        await Send(client, Other, "like");
        await Send(client, Shirt, "cart");

        Assert.Equal("liked: 00001 00002 | disliked: | inCart: 00001", await ReactionsAsync(client));

        // "Not for me" takes the like back (and the other way round): the two never stand together.
        Assert.Equal(HttpStatusCode.Created, (await Send(client, Shirt, "dislike")).StatusCode);
        Assert.Equal("liked: 00002 | disliked: 00001 | inCart: 00001", await ReactionsAsync(client));
        await Send(client, Shirt, "like");
        Assert.Equal("liked: 00001 00002 | disliked: | inCart: 00001", await ReactionsAsync(client));

        // A second press takes it back; taking back what is not there is no error (the page may be stale).
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/me/events?productId={Shirt}&kind=like")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/me/events?productId={Shirt}&kind=like")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/me/events?productId={Shirt}&kind=cart")).StatusCode);
        Assert.Equal("liked: 00002 | disliked: | inCart:", await ReactionsAsync(client));
        var kinds = (await (await client.GetAsync("/api/me/history")).Json()).GetProperty("events").EnumerateArray()
            .Select(e => $"{e.GetProperty("kind").GetString()} {e.GetProperty("productId").GetString()}");
        Assert.Equal([$"like {Other}"], kinds);

        // Views and purchases happened; an unknown kind is named.
        await (await client.DeleteAsync($"/api/me/events?productId={Shirt}&kind=purchase")).AssertProblem(400, "Invalid event");
        await (await client.DeleteAsync($"/api/me/events?productId={Shirt}&kind=adore")).AssertProblem(400, "Invalid event");
        await (await client.DeleteAsync("/api/me/events?kind=like")).AssertProblem(400, "Invalid event");
    }

    [Fact]
    public async Task One_shopper_cannot_take_back_another_shoppers_like()
    {
        var (alice, _) = await NewShopperAsync();
        var (bob, _) = await NewShopperAsync();
        await Send(alice, "fmnist-train-00001", "like");

        await bob.DeleteAsync("/api/me/events?productId=fmnist-train-00001&kind=like");

        Assert.Equal("liked: 00001 | disliked: | inCart:", await ReactionsAsync(alice));
        using var anonymous = _factory.CreateClient();
        await (await anonymous.DeleteAsync("/api/me/events?productId=fmnist-train-00001&kind=like")).AssertProblem(401, "No shopper profile");
        await (await anonymous.GetAsync("/api/me/reactions")).AssertProblem(401, "No shopper profile");
    }

    [Fact]
    public async Task Bad_events_are_refused()
    {
        var (client, _) = await NewShopperAsync();

        await (await Send(client, "fmnist-train-00001", "adore")).AssertProblem(400, "Invalid event");
        await (await Send(client, "no-such-product", "like")).AssertProblem(404, "Unknown product");
    }

    [Fact]
    public async Task Without_a_token_there_is_no_history_to_read_or_change()
    {
        using var anonymous = _factory.CreateClient();

        await (await anonymous.GetAsync("/api/me/history")).AssertProblem(401, "No shopper profile");
        await (await Send(anonymous, "fmnist-train-00001", "like")).AssertProblem(401, "No shopper profile");
        await (await anonymous.DeleteAsync("/api/me/history")).AssertProblem(401, "No shopper profile");
        var forged = new HttpRequestMessage(HttpMethod.Get, "/api/me/history");
        forged.Headers.Add("X-Shopper-Token", "guessed-token");
        await (await anonymous.SendAsync(forged)).AssertProblem(401, "No shopper profile");
    }

    [Fact]
    public async Task Shopper_B_can_neither_read_nor_change_shopper_As_history()
    {
        var (a, _) = await NewShopperAsync();
        var (b, _) = await NewShopperAsync();
        await Send(a, "fmnist-train-00003", "purchase");

        var seenByB = await (await b.GetAsync("/api/me/history")).Json();
        Assert.Equal(0, seenByB.GetProperty("events").GetArrayLength());
        Assert.Equal(HttpStatusCode.NoContent, (await b.DeleteAsync("/api/me/history")).StatusCode);

        var seenByA = await (await a.GetAsync("/api/me/history")).Json();
        Assert.Equal(1, seenByA.GetProperty("events").GetArrayLength());
        Assert.NotEqual(seenByA.GetProperty("userId").GetString(), seenByB.GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Clearing_the_history_really_deletes_it()
    {
        var (client, token) = await NewShopperAsync();
        await Send(client, "fmnist-train-00005", "like");

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/me/history")).StatusCode);

        using var api = _factory.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/me/history");
        request.Headers.Add("X-Shopper-Token", token); // the header works as well as the cookie
        Assert.Equal(0, (await (await api.SendAsync(request)).Json()).GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task Recommendations_follow_the_history_and_say_why()
    {
        var (client, _) = await NewShopperAsync();
        var bags = (await (await client.GetAsync("/api/products?category=Bag&pageSize=3")).Json()).GetProperty("items").EnumerateArray()
            .Select(p => p.GetProperty("id").GetString()!).ToList();
        foreach (var bag in bags)
        {
            await Send(client, bag, "like");
        }

        var response = await (await client.GetAsync("/api/me/recommendations?k=6")).Json();

        Assert.True(response.GetProperty("personalized").GetBoolean());
        var results = response.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(6, results.Count);
        Assert.True(results.Count(r => r.GetProperty("product").GetProperty("category").GetString() == "Bag") >= 4);
        Assert.All(results, r => Assert.StartsWith("like the", r.GetProperty("explanation").GetString()));
    }

    [Fact]
    public async Task A_shopper_who_liked_a_bag_and_prefers_sneakers_is_told_the_sneakers_come_from_the_preference()
    {
        var (client, _) = await NewShopperAsync();
        var bag = (await (await client.GetAsync("/api/products?category=Bag&pageSize=1")).Json()).GetProperty("items")[0].GetProperty("id").GetString()!;
        await Send(client, bag, "like");
        await client.PutAsJsonAsync("/api/me/preferences", new { categories = new[] { "Sneaker" } });

        var results = (await (await client.GetAsync("/api/me/recommendations?k=8")).Json()).GetProperty("results").EnumerateArray().ToList();

        Assert.Equal(8, results.Count);
        Assert.All(results, r => Assert.Equal("Sneaker", r.GetProperty("product").GetProperty("category").GetString()));
        Assert.All(results, r => Assert.Equal("from your preferences (Sneaker); nearest to the Bag you liked today", r.GetProperty("explanation").GetString()));

        // Once a sneaker is liked too, each pick is like the sneaker closest to it.
        var sneaker = results[3].GetProperty("product").GetProperty("id").GetString()!;
        await Send(client, sneaker, "like");
        var after = (await (await client.GetAsync("/api/me/recommendations?k=8")).Json()).GetProperty("results").EnumerateArray().ToList();
        Assert.All(after, r => Assert.Equal("like the Sneaker you liked today", r.GetProperty("explanation").GetString()));
    }

    [Fact]
    public async Task Stored_preferences_filter_recommendations()
    {
        var (client, _) = await NewShopperAsync();
        await Send(client, "fmnist-train-00001", "like");

        var saved = await client.PutAsJsonAsync("/api/me/preferences", new { categories = new[] { "Dress", "Coat" } });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(2, (await saved.Json()).GetProperty("categories").GetArrayLength());

        var results = (await (await client.GetAsync("/api/me/recommendations?k=8")).Json()).GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Contains(r.GetProperty("product").GetProperty("category").GetString(), new[] { "Dress", "Coat" }));
    }

    [Fact]
    public async Task Preferences_must_name_categories_and_values_the_catalog_has_and_are_bounded()
    {
        var (client, _) = await NewShopperAsync();
        await client.PutAsJsonAsync("/api/me/preferences", new { categories = new[] { "Dress" } });

        var unknown = await (await client.PutAsJsonAsync("/api/me/preferences", new { categories = new[] { "Handbag" } })).AssertProblem(400, "Unknown category");
        Assert.Contains("Sneaker", unknown.GetProperty("detail").GetString()); // says which categories there are
        await (await client.PutAsJsonAsync("/api/me/preferences", new { attributes = new Dictionary<string, string> { ["colour"] = "red" } }))
            .AssertProblem(400, "Unknown attribute filter");
        var many = await (await client.PutAsJsonAsync("/api/me/preferences", new { categories = Enumerable.Range(0, 100_000).Select(i => $"c{i}").ToArray() }))
            .AssertProblem(400, "Invalid preferences");
        Assert.True(many.GetProperty("errors").TryGetProperty("categories", out _));
        await (await client.GetAsync("/api/me/recommendations?category=Handbag")).AssertProblem(400, "Unknown category");

        // Nothing refused was stored: the earlier preference stands.
        var stored = await (await client.GetAsync("/api/me/preferences")).Json();
        Assert.Equal(["Dress"], stored.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task History_comes_a_page_at_a_time_with_a_cursor_to_the_next()
    {
        var (client, _) = await NewShopperAsync();
        for (var i = 1; i <= 7; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Send(client, $"fmnist-train-{i:00000}", "view")).StatusCode);
        }

        var seen = new List<string?>();
        var url = "/api/me/history?limit=3";
        var pages = 0;
        while (url is not null)
        {
            var page = await (await client.GetAsync(url)).Json();
            seen.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("productId").GetString()));
            url = page.TryGetProperty("next", out var next) ? next.GetString() : null; // absent on the last page
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(1, 7).Reverse().Select(i => $"fmnist-train-{i:00000}"), seen); // newest first, each once

        var badCursor = await (await client.GetAsync("/api/me/history?cursor=not-ours")).AssertProblem(400, "Invalid history page");
        Assert.True(badCursor.GetProperty("errors").TryGetProperty("cursor", out _));
        var badLimit = await (await client.GetAsync("/api/me/history?limit=100000")).AssertProblem(400, "Invalid history page");
        Assert.True(badLimit.GetProperty("errors").TryGetProperty("limit", out _));
    }

    [Fact]
    public async Task Anonymous_visitors_get_a_varied_cold_start_list()
    {
        using var anonymous = _factory.CreateClient();

        var response = await (await anonymous.GetAsync("/api/me/recommendations?k=10")).Json();

        Assert.False(response.GetProperty("personalized").GetBoolean());
        var categories = response.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("product").GetProperty("category").GetString()).ToList();
        Assert.Equal(10, categories.Distinct().Count());
    }

    [Fact]
    public async Task A_shoppers_history_re_ranks_their_photo_searches()
    {
        var (client, _) = await NewShopperAsync();
        using var anonymous = _factory.CreateClient();
        var photo = File.ReadAllBytes(Path.Combine(RepositoryPaths.Queries, "shirt.png"));
        var plain = await (await anonymous.PostAsync("/api/search?k=10", ApiTestHelpers.Photo(photo))).Json();
        var plainIds = plain.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("product").GetProperty("id").GetString()).ToList();
        // Likes the last of the plain results and its neighbours: they should climb.
        var liked = plainIds[^1]!;
        await Send(client, liked, "purchase");
        await Send(client, liked, "like");

        var personal = await (await client.PostAsync("/api/search?k=10", ApiTestHelpers.Photo(photo))).Json();
        var personalIds = personal.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("product").GetProperty("id").GetString()).ToList();

        Assert.NotEqual(plainIds, personalIds);
    }
}

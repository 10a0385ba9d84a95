using Lookbook.Api.Contracts;
using Lookbook.Api.Hosting;
using Lookbook.Catalog;
using Lookbook.Catalog.Storage;
using Lookbook.Personalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Lookbook.Api.Endpoints;

/// <summary>/api/profile and /api/me: a shopper's profile, history and recommendations.</summary>
public static class ShopperApi
{
    public static IEndpointRouteBuilder MapShopperApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/profile", CreateProfile).RequireRateLimiting(RateLimits.Profiles).WithTags("Shopper").WithName("CreateProfile")
            .WithSummary("Create a shopper profile (no password): returns its token and sets it as a cookie; a shopper who has one gets theirs back (200)").DisableAntiforgery()
            .UsesShopperToken(required: false);
        var me = app.MapGroup("/api/me").WithTags("Shopper").UsesShopperToken();
        me.MapGet("/history", GetHistory).WithName("GetHistory").WithSummary("The shopper's events, newest first, a page at a time (follow next)");
        me.MapPost("/events", RecordEvent).RequireRateLimiting(RateLimits.Events).WithName("RecordEvent").WithSummary("Record a view, like, dislike, cart or purchase").DisableAntiforgery()
            .Answers(StatusCodes.Status404NotFound, "No product with this productId in the catalog");
        me.MapDelete("/events", TakeBackEvent).RequireRateLimiting(RateLimits.Events).WithName("TakeBackEvent")
            .WithSummary("Take back a like, a \"not for me\" or a cart (un-like, remove from the cart); 204 whether or not there was one");
        me.MapGet("/reactions", GetReactions).WithName("GetReactions").WithSummary("The products the shopper likes, has marked \"not for me\" and has in the cart");
        me.MapDelete("/history", ClearHistory).WithName("ClearHistory").WithSummary("Delete the shopper's whole history");
        me.MapGet("/preferences", GetPreferences).WithName("GetPreferences").WithSummary("The shopper's category and attribute preferences");
        me.MapPut("/preferences", SetPreferences).WithName("SetPreferences").WithSummary("Limit recommendations to categories and attribute values").DisableAntiforgery();
        me.MapGet("/recommendations", Recommend).WithName("Recommend").WithSummary("Products for this shopper, with explanations; popular products for anonymous callers")
            .UsesShopperToken(required: false);
        return app;
    }

    internal static Results<Created<ProfileResponse>, Ok<ProfileResponse>> CreateProfile(HttpContext context, ShopperService shoppers)
    {
        // A shopper who already has a profile keeps it: a second profile would orphan their history.
        if (context.CurrentShopper(shoppers) is { } existing && context.ShopperToken() is { } token)
        {
            return TypedResults.Ok(new ProfileResponse(existing, token));
        }

        var created = shoppers.CreateShopper();
        context.IssueCookie(created.Token);
        return TypedResults.Created("/api/me/history", new ProfileResponse(created.UserId, created.Token));
    }

    /// <param name="limit">Events per page (1-200, default 50).</param>
    /// <param name="cursor">Where the page starts: the <c>nextCursor</c> of the page before; none for the newest events.</param>
    internal static Results<Ok<HistoryResponse>, ValidationProblem, ProblemHttpResult> GetHistory(
        HttpContext context, ShopperService shoppers, [FromQuery] int? limit, [FromQuery] string? cursor)
    {
        if (context.CurrentShopper(shoppers) is not { } userId)
        {
            return NotSignedIn();
        }

        var size = limit ?? 50;
        if (size is < 1 or > MaxHistoryPage)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxHistoryPage}; got {size}."] }, title: "Invalid history page");
        }

        EventPosition? before = null;
        if (cursor is not null)
        {
            if (!HistoryCursor.TryDecode(cursor, out var position))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = ["cursor is not one this server gave: pass a page's nextCursor back unchanged."] }, title: "Invalid history page");
            }

            before = position;
        }

        var page = shoppers.History(userId, size, before);
        var events = page.Events
            .Select(e => new HistoryItem(e.Id, e.Kind.ToString().ToLowerInvariant(), e.At, e.ProductId, e.Product is null ? null : ProductLinks.Card(e.Product)))
            .ToList();
        var nextCursor = page.Next is { } next ? HistoryCursor.Encode(next) : null;
        return TypedResults.Ok(new HistoryResponse(userId, events, nextCursor,
            nextCursor is null ? null : $"/api/me/history?limit={size}&cursor={nextCursor}"));
    }

    private const int MaxHistoryPage = 200;

    internal static Results<Created, ValidationProblem, ProblemHttpResult> RecordEvent(HttpContext context, ShopperService shoppers, [FromBody] EventRequest? body)
    {
        if (context.CurrentShopper(shoppers) is not { } userId)
        {
            return NotSignedIn();
        }

        if (body is null || string.IsNullOrWhiteSpace(body.ProductId) || !ShopperService.TryParseKind(body.Kind, out var kind))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["kind"] = ["Send {\"productId\": \"...\", \"kind\": \"view|like|dislike|cart|purchase\"}."] },
                title: "Invalid event");
        }

        shoppers.Record(userId, body.ProductId, kind); // an unknown product is a 404 (ProblemExceptionHandler)
        return TypedResults.Created();
    }

    /// <param name="productId">The product whose event to take back.</param>
    /// <param name="kind">like, dislike or cart (views and purchases happened and stay).</param>
    internal static Results<NoContent, ValidationProblem, ProblemHttpResult> TakeBackEvent(
        HttpContext context, ShopperService shoppers, [FromQuery] string? productId, [FromQuery] string? kind)
    {
        if (context.CurrentShopper(shoppers) is not { } userId)
        {
            return NotSignedIn();
        }

        if (string.IsNullOrWhiteSpace(productId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["productId"] = ["productId is required: the product whose event to take back."] }, title: "Invalid event");
        }

        if (!ShopperService.TryParseKind(kind, out var parsed) || !ShopperService.CanTakeBack(parsed))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["kind"] = [$"kind must be like, dislike or cart; got '{kind}'. Views and purchases cannot be taken back."] },
                title: "Invalid event");
        }

        shoppers.TakeBack(userId, productId, parsed);
        return TypedResults.NoContent();
    }

    internal static Results<Ok<ReactionsResponse>, ProblemHttpResult> GetReactions(HttpContext context, ShopperService shoppers)
    {
        if (context.CurrentShopper(shoppers) is not { } userId)
        {
            return NotSignedIn();
        }

        var reactions = shoppers.Reactions(userId);
        return TypedResults.Ok(new ReactionsResponse(reactions.Liked, reactions.Disliked, reactions.InCart));
    }

    internal static Results<NoContent, ProblemHttpResult> ClearHistory(HttpContext context, ShopperService shoppers)
    {
        if (context.CurrentShopper(shoppers) is not { } userId)
        {
            return NotSignedIn();
        }

        shoppers.ClearHistory(userId);
        return TypedResults.NoContent();
    }

    /// <param name="k">How many products (1-100, default 12).</param>
    /// <param name="category">Only these categories (repeatable): the shopper's preference.</param>
    internal static Results<Ok<RecommendationsResponse>, ValidationProblem> Recommend(
        HttpContext context, ShopperService shoppers, [FromQuery] int? k, [FromQuery] string[]? category)
    {
        var count = k ?? 12;
        if (count is < 1 or > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["k"] = [$"k must be between 1 and 100; got {count}."] });
        }

        var preferences = category is { Length: > 0 } ? shoppers.Check(category, null) : null; // an unknown category is a 400
        var userId = context.CurrentShopper(shoppers);
        // Anonymous visitors get the cold-start list: popular products across categories.
        var recommendations = userId is null
            ? shoppers.ColdStart(count, preferences)
            : shoppers.Recommend(userId, count, preferences);
        return TypedResults.Ok(new RecommendationsResponse(
            recommendations.Select((r, i) => new RecommendationItem(i + 1, Math.Round(r.Score, 4), r.Explanation, ProductLinks.Card(r.Product))).ToList(),
            userId is not null && shoppers.HasHistory(userId)));
    }

    internal static Results<Ok<PreferencesBody>, ProblemHttpResult> GetPreferences(HttpContext context, ShopperService shoppers)
    {
        if (context.CurrentShopper(shoppers) is not { } userId)
        {
            return NotSignedIn();
        }

        var preferences = shoppers.GetPreferences(userId);
        return TypedResults.Ok(new PreferencesBody([.. preferences.Categories ?? new HashSet<string>()], preferences.Attributes ?? new Dictionary<string, string>()));
    }

    internal static Results<Ok<PreferencesBody>, ProblemHttpResult> SetPreferences(HttpContext context, ShopperService shoppers, [FromBody] PreferencesBody body)
    {
        if (context.CurrentShopper(shoppers) is not { } userId)
        {
            return NotSignedIn();
        }

        shoppers.SetPreferences(userId, body.Categories, body.Attributes);
        return GetPreferences(context, shoppers);
    }

    private static ProblemHttpResult NotSignedIn() =>
        Problems.Create(StatusCodes.Status401Unauthorized, "No shopper profile",
            $"Create one with POST /api/profile, then send its token as the {ShopperIdentity.CookieName} cookie or the {ShopperIdentity.HeaderName} header.");
}

using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Lookbook.Api.Hosting;

/// <summary>
/// Abuse limits (ASP.NET Core's rate limiter, fixed windows of a minute): profiles created and searches per client
/// address, events per shopper. Over a limit a request gets 429 with Retry-After. The numbers are
/// <see cref="ApiOptions"/>' <c>*PerMinute</c> settings; 0 lifts a limit.
/// </summary>
internal static class RateLimits
{
    public const string Profiles = "profiles";
    public const string Events = "events";
    public const string Searches = "searches";

    public static IServiceCollection AddLookbookRateLimits(this IServiceCollection services) => services.AddRateLimiter(limiter =>
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = async (context, cancellationToken) =>
        {
            var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Problems.Create(StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"This client sent more requests of this kind than the server allows in a minute; try again in {seconds} s.")
                .ExecuteAsync(context.HttpContext).ConfigureAwait(false);
        };
        limiter.AddPolicy(Profiles, context => PerMinute(context, o => o.ProfilesPerMinute, ClientAddress(context)));
        limiter.AddPolicy(Searches, context => PerMinute(context, o => o.SearchesPerMinute, ClientAddress(context)));
        // A shopper is known by their token; without one (refused later with 401) by their address.
        limiter.AddPolicy(Events, context => PerMinute(context, o => o.EventsPerMinute, context.ShopperToken() is { Length: > 0 } token ? "shopper:" + token : ClientAddress(context)));
    });

    private static string ClientAddress(HttpContext context) => "client:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private static RateLimitPartition<string> PerMinute(HttpContext context, Func<ApiOptions, int> limit, string key)
    {
        var permits = limit(context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value);
        return permits <= 0
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
    }
}

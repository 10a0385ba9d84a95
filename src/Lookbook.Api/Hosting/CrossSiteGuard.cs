namespace Lookbook.Api.Hosting;

/// <summary>
/// Refuses requests that change something (POST, PUT, PATCH, DELETE) when a browser says they come from another site:
/// a form on another site could otherwise create a shopper profile and replace the shopper's cookie, or act as them.
/// Browsers say where a request comes from in <c>Sec-Fetch-Site</c> (only <c>same-origin</c> and <c>none</c>, typed
/// by the user, pass) and, in older ones, <c>Origin</c> (it must be this server's own). API clients send neither and
/// pass; they prove who they are with the API key or the shopper token.
/// </summary>
internal static class CrossSiteGuard
{
    public static IApplicationBuilder UseCrossSiteGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
            && Refusal(context.Request) is { } reason)
        {
            await Problems.Create(StatusCodes.Status403Forbidden, "Cross-site request refused",
                    $"{reason}: a page on another site may not change anything here. Use Lookbook's own page, or call the API without a browser.")
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    });

    /// <summary>Why the request counts as cross-site; null when it does not.</summary>
    internal static string? Refusal(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is "same-origin" or "none" ? null : $"The browser sent this request from a {site} page";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return null;
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"The request comes from {origin}, not from {request.Scheme}://{request.Host}";
    }
}

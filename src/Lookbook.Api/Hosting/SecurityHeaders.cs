namespace Lookbook.Api.Hosting;

/// <summary>
/// Headers every response carries: the page may load only its own scripts, styles and images (no inline script, so an
/// injected one cannot run), may not be framed, content types are not sniffed, and no page address leaks to other
/// sites. The evaluation report is one self-contained HTML file (inline styles and SVG, no script); the API reference
/// (Scalar) brings its own inline script and styles, and may load nothing from elsewhere.
/// </summary>
internal static class SecurityHeaders
{
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public const string ReportPolicy = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    // Scalar needs inline script (its configuration) and inline styles; everything else it loads must be this server's
    // own, so the reference cannot reach a CDN even if a later Scalar version tries.
    public const string ReferencePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = PolicyFor(context.Request.Path);
            return Task.CompletedTask;
        });
        return next(context);
    });

    private static string PolicyFor(PathString path) =>
        path.StartsWithSegments("/report") ? ReportPolicy
        : path.StartsWithSegments("/scalar") ? ReferencePolicy
        : PagePolicy;
}

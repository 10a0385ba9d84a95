using Scalar.AspNetCore;

namespace Lookbook.Api.Hosting;

/// <summary>
/// The interactive API reference at /scalar/v1 (Scalar, served from this server with its bundled script). Lookbook
/// runs where there may be no internet and should not tell a third party who reads its docs, so the reference uses the
/// system fonts instead of Scalar's font CDN, sends no telemetry, and hides the parts that are Scalar's cloud services
/// (the developer toolbar's Deploy / Generate SDK / Share, the "Ask AI" agent, MCP).
/// </summary>
internal static class ApiReference
{
    public const string Path = "/scalar";

    public static IEndpointRouteBuilder MapLookbookApiReference(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference(Path, options => options
            .WithTitle("Lookbook API")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .HideDeveloperTools()
            .DisableAgent()
            .DisableMcp()
            .AddPreferredSecuritySchemes(OpenApiDocumentation.ShopperTokenScheme));
        return app;
    }
}

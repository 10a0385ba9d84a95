using System.Diagnostics.Metrics;
using Lookbook.Catalog.Telemetry;
using Lookbook.Search;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Lookbook.Api.Hosting;

/// <summary>
/// The server's OpenTelemetry pipeline: ASP.NET Core's request metrics and spans, the runtime's metrics, and Lookbook's
/// own (<see cref="LookbookTelemetry"/>, plus the catalog's size here); exported to Prometheus and/or OTLP as
/// <see cref="TelemetryOptions"/> say.
/// </summary>
internal static class TelemetrySetup
{
    public static void AddLookbookTelemetry(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddSingleton<CatalogGauges>();
        // Metrics are always aggregated (a histogram sample costs well under a microsecond) and the Prometheus exporter,
        // which only works when scraped, always attached: whether its endpoint is mapped is decided once configuration
        // is final (MapLookbookTelemetry), which a test host's settings are only after this point.
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("lookbook"))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddMeter(LookbookTelemetry.Name).AddPrometheusExporter();
                if (settings.OtlpEndpoint is { } endpoint)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
                }
            });
        if (settings.OtlpEndpoint is { } traces)
        {
            // Spans only go somewhere with a collector: without one they are not even created.
            telemetry.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddSource(LookbookTelemetry.Name)
                .AddOtlpExporter(o => o.Endpoint = new Uri(traces)));
        }
    }

    public static void MapLookbookTelemetry(this WebApplication app)
    {
        app.Services.GetRequiredService<CatalogGauges>(); // creates the gauges
        var settings = app.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (settings.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(settings.PrometheusPath).ExcludeFromDescription();
        }
    }

    /// <summary>
    /// The catalog's size as gauges, read when metrics are collected. From the host's <see cref="IMeterFactory"/>, so the
    /// callbacks go with the host (a test process starts many).
    /// </summary>
    internal sealed class CatalogGauges
    {
        public CatalogGauges(IMeterFactory meters, SearchableCatalogProvider catalogs)
        {
            var meter = meters.Create(LookbookTelemetry.Name);
            meter.CreateObservableGauge("lookbook.catalog.products", () => catalogs.Loaded is { } state ? [new Measurement<int>(state.Products)] : Array.Empty<Measurement<int>>(),
                unit: "{product}", description: "Products in the searchable catalog.");
            meter.CreateObservableGauge("lookbook.index.approximate", () => catalogs.Loaded is { } state ? [new Measurement<int>(state.Approximate ? 1 : 0)] : Array.Empty<Measurement<int>>(),
                description: "1 while searches go through the approximate (HNSW) index, 0 for the exact scan.");
        }
    }
}

using Lookbook.Api.Endpoints;
using Lookbook.Catalog.Import;
using Lookbook.Catalog.Storage;
using Lookbook.Cluster;
using Lookbook.Vision.Embedding;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Lookbook.Api.Hosting;

/// <summary>
/// A cluster's HTTP front end (<c>lookbook serve --cluster</c>): stateless, as many as wanted behind a load balancer.
/// It embeds each photo once and searches every shard through the cluster's silos (<see cref="ClusterPhotoSearch"/>);
/// products, their images and thumbnails come from the shared PostgreSQL catalog. It holds no index: what a single node
/// adds on top of similarity (the trained head's ranking, detected items, shoppers' histories) is not served here yet.
/// </summary>
public static class ClusterFrontEnd
{
    public static WebApplication Create(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        Lookbook.Vision.Images.NativeHeap.ReturnLargeBlocks();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddLookbookSources(args, overrides);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(LookbookWebApp.DefaultUrl);
        }

        ClusterHosting.EnsureConfigured(builder.Configuration, "A cluster's front end (serve --cluster)");
        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();

        var embedding = builder.Configuration.GetSection(EmbeddingOptions.SectionName).Get<EmbeddingOptions>() ?? new EmbeddingOptions();
        if (builder.Configuration[$"{EmbeddingOptions.SectionName}:Preprocessing:InputSize"] is null && InputSizeAdvisor.ForCatalog(storage) is { } size)
        {
            embedding.Preprocessing.InputSize = size; // the size the catalog's vectors were made at
        }

        builder.Services.AddSingleton(Options.Create(storage));
        builder.Services.AddSingleton(_ => CatalogDatabase.Open(storage));
        builder.Services.AddSingleton<IImageEmbedder>(_ => new OnnxImageEmbedder(embedding));
        builder.Services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ApiOptions>>(new ProblemsValidator<ApiOptions>(o => o.Validate()));
        builder.Services.AddOptions<FormOptions>().Configure<IOptions<ApiOptions>>((form, api) =>
        {
            form.MemoryBufferThreshold = (int)Math.Min(int.MaxValue, api.Value.MaxUploadBytes + PhotoUpload.MultipartOverhead);
            form.MultipartBodyLengthLimit = api.Value.MaxUploadBytes + PhotoUpload.MultipartOverhead;
        });
        builder.Services.AddSingleton<DecodeBudget>();
        builder.Services.AddMemoryCache(options => options.SizeLimit = 64 * 1024 * 1024);
        builder.Services.AddProblemDetails();
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.Configure<ExceptionHandlerOptions>(options => options.SuppressDiagnosticsCallback = ProblemExceptionHandler.SuppressDiagnostics);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        builder.Services.AddHealthChecks().AddCheck<FrontEndReadiness>("cluster", tags: ["ready"]);
        ClusterHosting.AddClusterClient(builder, builder.Configuration);

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCrossSiteGuard();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = ClusterHosting.WriteHealth });
        app.MapClusterSearchApi();
        var products = app.MapGroup("/api/products");
        products.MapGet("/{id}", ProductsApi.GetProduct);
        products.MapGet("/{id}/image", ProductsApi.GetImage);
        products.MapGet("/{id}/thumbnail", ProductsApi.GetThumbnail);
        return app;
    }

    /// <summary>
    /// Loads the model and checks it is the catalog's before the host starts, so a mismatch is one line, not a host
    /// failure with a stack trace.
    /// </summary>
    public static void EnsureCompatible(this WebApplication app) => app.Services.GetRequiredService<ClusterPhotoSearch>().EnsureCompatible();

    /// <summary>Ready once every shard answers (each loaded its part of the catalog): a load balancer then sends photos.</summary>
    private sealed class FrontEndReadiness(ClusterSearch cluster) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var products = await cluster.PrepareAsync(cancellationToken);
                return HealthCheckResult.Healthy($"every shard answers; {products} products");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("the cluster does not answer: " + e.Message);
            }
        }
    }
}

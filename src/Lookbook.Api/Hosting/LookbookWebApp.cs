using Lookbook.Api.Endpoints;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace Lookbook.Api.Hosting;

/// <summary>Builds the Lookbook web application: API, OpenAPI document and reference, the web page.</summary>
public static class LookbookWebApp
{
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <param name="args">Command-line arguments (e.g. --urls).</param>
    /// <param name="overrides">Configuration keys that win over files and environment (the CLI's options).</param>
    public static WebApplication Create(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        Lookbook.Vision.Images.NativeHeap.ReturnLargeBlocks(); // a server's memory goes back down after large uploads
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits beside the program, wherever it is started from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        // The same sources, in the same order, as every other command: lookbook.json applies to `serve` too.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddLookbookSources(args, overrides);

        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel((context, kestrel) => ConfigureBodyRate(context.Configuration, kestrel.Limits));

        builder.AddLookbookApi();
        var app = builder.Build();
        // Every options section checked now, all problems at once: the host would otherwise build its hosted services
        // first, and the first one to read a bad section would fail alone, with the host's stack trace.
        app.Services.GetService<IStartupValidator>()?.Validate();
        app.UseLookbookApi();
        return app;
    }

    /// <summary>
    /// Loads the model and the catalog before the host starts, so a catalog indexed with another model (or a missing
    /// model) reaches the caller as its own exception, to print in one line, instead of first being logged by the host
    /// as "Hosting failed to start" with its stack trace. Starting the app afterwards does not load them again.
    /// </summary>
    public static Task WarmUpAsync(this WebApplication app, CancellationToken cancellationToken) =>
        app.Services.GetRequiredService<CatalogWarmup>().StartAsync(cancellationToken);

    public static void AddLookbookApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddLookbook(builder.Configuration);
        builder.Services.AddOptions<ApiOptions>()
            .Bind(builder.Configuration.GetSection(ApiOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ApiOptions>>(new ProblemsValidator<ApiOptions>(
            o => o.Validate().Concat(UnknownSettings.In(builder.Configuration.GetSection(ApiOptions.SectionName), typeof(ApiOptions)))));
        // Uploads up to the limit stay in memory: the default spills anything over 64 KB to a temp file.
        builder.Services.AddOptions<FormOptions>().Configure<IOptions<ApiOptions>>((form, api) =>
        {
            form.MemoryBufferThreshold = (int)Math.Min(int.MaxValue, api.Value.MaxUploadBytes + PhotoUpload.MultipartOverhead);
            form.MultipartBodyLengthLimit = api.Value.MaxUploadBytes + PhotoUpload.MultipartOverhead;
        });
        builder.Services.AddOptions<TelemetryOptions>()
            .Bind(builder.Configuration.GetSection(TelemetryOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TelemetryOptions>>(new ProblemsValidator<TelemetryOptions>(
            o => o.Validate().Concat(UnknownSettings.In(builder.Configuration.GetSection(TelemetryOptions.SectionName), typeof(TelemetryOptions)))));
        builder.AddLookbookTelemetry();
        builder.Services.AddProblemDetails();
        builder.Services.AddLookbookRateLimits();
        // A parameter that does not bind (k=abc, k=1.5, k=10&k=20, malformed JSON) throws, so the problem names the
        // parameter and the value instead of a bare 400 (ExceptionProblems maps BadHttpRequestException).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.Configure<ExceptionHandlerOptions>(options => options.SuppressDiagnosticsCallback = ProblemExceptionHandler.SuppressDiagnostics);
        builder.Services.AddLookbookOpenApi();
        builder.Services.AddMemoryCache(options => options.SizeLimit = 64 * 1024 * 1024);
        builder.Services.AddSingleton<CatalogWarmup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CatalogWarmup>());
        builder.Services.AddHostedService<CatalogRefresher>();
        builder.Services.AddHealthChecks().AddCheck<CatalogWarmup>("catalog", tags: ["ready"]);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            // Numbers are numbers: the web default also reads "12" as 12, and the OpenAPI document then types every
            // integer (k, page, limit) as "integer or string".
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
    }

    public static void UseLookbookApi(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCrossSiteGuard();
        app.UseRateLimiter();

        var page = new ManifestEmbeddedFileProvider(typeof(LookbookWebApp).Assembly, "web");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = page });

        app.MapOpenApi();
        app.MapLookbookApiReference();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = CatalogWarmup.WriteReadinessAsync });
        app.MapLookbookTelemetry();

        app.MapSearchApi();
        app.MapProductsApi();
        app.MapCatalogApi();
        app.MapShopperApi();

        // Shareable page URLs (/product/{id}) are routes of the single-page app.
        // An unknown product's page still loads (it shows its own not-found view), with the status that says so.
        app.MapFallback("/product/{**id}", (HttpContext context, string id, Lookbook.Catalog.Storage.CatalogDatabase database) =>
            SendPage(context, page, database.GetProduct(id.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase)) is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK))
            .ExcludeFromDescription();
        app.MapGet("/", (HttpContext context) => SendPage(context, page)).ExcludeFromDescription();
        app.MapGet("/history", (HttpContext context) => SendPage(context, page)).ExcludeFromDescription();
        app.MapFallback("/api/{**path}", ApiFallback.Answer).ExcludeFromDescription();
        // Any other address without a file extension is a page a person asked for: an HTML "not found", not
        // problem+json. (Files are left to the static-file middleware, which serves only where no endpoint matched.)
        app.MapFallback("{*path:nonfile}", HtmlPages.NotFound).ExcludeFromDescription();
    }

    /// <summary>
    /// Kestrel:Limits:MinRequestBodyDataRate:BytesPerSecond and :GracePeriod: how slowly a client may send its body
    /// before it is answered 408. Read by hand because Kestrel binds only endpoints from its section, and a bound
    /// <see cref="MinDataRate"/> would keep its defaults (its properties are read-only).
    /// </summary>
    private static void ConfigureBodyRate(IConfiguration configuration, KestrelServerLimits limits)
    {
        var rate = configuration.GetSection("Kestrel:Limits:MinRequestBodyDataRate");
        if (rate.Exists() && limits.MinRequestBodyDataRate is { } defaults)
        {
            limits.MinRequestBodyDataRate = new MinDataRate(
                rate.GetValue("BytesPerSecond", defaults.BytesPerSecond), rate.GetValue("GracePeriod", defaults.GracePeriod));
        }
    }

    private static async Task SendPage(HttpContext context, ManifestEmbeddedFileProvider page, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        await using var stream = page.GetFileInfo("index.html").CreateReadStream();
        await stream.CopyToAsync(context.Response.Body);
    }
}

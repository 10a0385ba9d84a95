using Lookbook.Catalog.Import;
using Lookbook.Catalog.Storage;
using Lookbook.Evaluation;
using Lookbook.Index;
using Lookbook.Learning;
using Lookbook.Personalization;
using Lookbook.Search;
using Lookbook.Vision.Embedding;
using Microsoft.Extensions.Options;

namespace Lookbook.Api.Hosting;

/// <summary>
/// The composition root: registers Lookbook's options and services for every host (the CLI's commands, the web
/// server, tests), all from one <see cref="IConfiguration"/> built by <see cref="LookbookConfiguration"/>.
/// </summary>
public static class LookbookServices
{
    public static IServiceCollection AddLookbook(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions>(configuration, StorageOptions.SectionName, o => o.Validate());
        services.AddValidatedOptions<EmbeddingOptions>(configuration, EmbeddingOptions.SectionName, o => o.Validate());
        services.AddValidatedOptions<IndexOptions>(configuration, IndexOptions.SectionName, o => o.Validate());
        services.AddValidatedOptions<SearchOptions>(configuration, SearchOptions.SectionName, o => o.Validate());
        services.AddValidatedOptions<PersonalizationOptions>(configuration, PersonalizationOptions.SectionName, o => o.Validate());

        var inputSizeConfigured = configuration[$"{EmbeddingOptions.SectionName}:Preprocessing:InputSize"] is not null;
        services.AddOptions<EmbeddingOptions>().Configure(embedding =>
        {
            // Read straight from the configuration, not through IOptions<StorageOptions>: a bad storage section is then
            // reported once, by its own validation, and does not hide the embedding section's problems.
            var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
            var databasePath = storage.DatabasePath;
            if (string.IsNullOrWhiteSpace(databasePath) || Directory.Exists(databasePath))
            {
                return;
            }

            // An int8 model's calibration belongs to the catalog it was measured on: by default it lives beside it.
            embedding.CalibrationPath ??= new CatalogFiles(Path.GetFullPath(databasePath)).Calibration;
            // An indexed catalog keeps the input size its vectors were made at unless one is configured.
            if (!inputSizeConfigured && InputSizeAdvisor.ForCatalog(storage) is { } size)
            {
                embedding.Preprocessing.InputSize = size;
            }
        });

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => CatalogDatabase.Open(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<OnnxImageEmbedder>();
        services.AddSingleton<IImageEmbedder>(sp => sp.GetRequiredService<OnnxImageEmbedder>());
        services.AddTransient<CatalogImporter>();
        services.AddTransient<CatalogReindexer>();
        services.AddTransient<HeadTrainer>();

        services.AddSingleton<SearchableCatalogProvider>();
        services.AddSingleton<PhotoSearch>();
        services.AddSingleton<DecodeBudget>();
        services.AddSingleton<SimilarProducts>();

        services.AddSingleton<ShopperService>();
        services.AddSingleton<IPhotoSearchReranker, ShopperReranker>();

        services.AddTransient<CatalogEvaluator>();
        services.AddTransient<PersonalizationEvaluator>();
        services.AddTransient<ShopperPhotoEvaluator>();
        services.AddTransient<TransformedQueryEvaluator>();
        return services;
    }

    /// <summary>Binds <typeparamref name="T"/> to its section and checks it when the host starts, listing every problem with its key.</summary>
    private static void AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section, Func<T, IEnumerable<string>> problemsOf)
        where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
        // A misspelt key (DatbasePath) is a problem that names it, not a setting silently ignored.
        services.AddSingleton<IValidateOptions<T>>(new ProblemsValidator<T>(o => problemsOf(o).Concat(UnknownSettings.In(configuration.GetSection(section), typeof(T)))));
    }
}

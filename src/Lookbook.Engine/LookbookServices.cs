using Lookbook.Engine.Evaluation;
using Lookbook.Engine.Indexing;
using Lookbook.Engine.Learning;
using Lookbook.Engine.Personalization;
using Lookbook.Engine.Search;
using Lookbook.Storage;
using Lookbook.Vision.Embedding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lookbook.Engine;

/// <summary>Registers Lookbook's services for any host (the CLI, the web app, tests).</summary>
public static class LookbookServices
{
    public static IServiceCollection AddLookbook(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmbeddingOptions>()
            .Bind(configuration.GetSection(EmbeddingOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmbeddingOptions>>(new ProblemsValidator<EmbeddingOptions>(o => o.Validate()));
        var inputSizeConfigured = configuration[$"{EmbeddingOptions.SectionName}:Preprocessing:InputSize"] is not null;
        services.AddOptions<EmbeddingOptions>().Configure<IOptions<StorageOptions>>((embedding, storage) =>
        {
            // An int8 model's calibration belongs to the catalog it was measured on: by default it lives beside it.
            embedding.CalibrationPath ??= CalibrationPathFor(storage.Value.DatabasePath);
            if (!inputSizeConfigured && InputSizeAdvisor.ForCatalog(storage.Value.DatabasePath, configuration[InputSizeAdvisor.SuggestionKey]) is { } size)
            {
                embedding.Preprocessing.InputSize = size;
            }
        });
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DatabasePath), "Lookbook:Storage:DatabasePath must name a file.")
            .ValidateOnStart();

        services.AddSingleton(sp => CatalogDatabase.Open(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DatabasePath));
        services.AddSingleton<OnnxImageEmbedder>(sp => new OnnxImageEmbedder(
            sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value,
            sp.GetRequiredService<ILogger<OnnxImageEmbedder>>()));
        services.AddSingleton<IImageEmbedder>(sp => sp.GetRequiredService<OnnxImageEmbedder>());
        services.AddTransient(sp => new CatalogImporter(
            sp.GetRequiredService<CatalogDatabase>(),
            sp.GetRequiredService<IImageEmbedder>(),
            sp.GetRequiredService<ILogger<CatalogImporter>>())
        {
            BatchSize = sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value.BatchSize,
        });
        services.AddTransient(sp => new CatalogReindexer(sp.GetRequiredService<CatalogDatabase>(), sp.GetRequiredService<IImageEmbedder>())
        {
            BatchSize = sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value.BatchSize,
        });
        services.AddOptions<SearchSettings>().Bind(configuration.GetSection(SearchSettings.SectionName));
        services.AddOptions<IndexSettings>()
            .Bind(configuration.GetSection(IndexSettings.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IndexSettings>>(new ProblemsValidator<IndexSettings>(o => o.Validate()));
        services.AddSingleton(sp => new CatalogSearch(
            sp.GetRequiredService<CatalogDatabase>(),
            new Lazy<IImageEmbedder>(sp.GetRequiredService<IImageEmbedder>),
            sp.GetRequiredService<IOptions<SearchSettings>>().Value,
            sp.GetRequiredService<IOptions<IndexSettings>>().Value));
        services.AddTransient(sp => new CatalogEvaluator(sp.GetRequiredService<CatalogDatabase>(), sp.GetRequiredService<IImageEmbedder>(),
            sp.GetRequiredService<CatalogSearch>(), sp.GetRequiredService<IOptions<SearchSettings>>().Value));
        services.AddOptions<PersonalizationSettings>().Bind(configuration.GetSection(PersonalizationSettings.SectionName));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ShopperService(sp.GetRequiredService<CatalogDatabase>(), sp.GetRequiredService<CatalogSearch>(),
            sp.GetRequiredService<IOptions<PersonalizationSettings>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddTransient(sp => new PersonalizationEvaluator(sp.GetRequiredService<CatalogSearch>()));
        services.AddTransient(sp => new HeadTrainer(sp.GetRequiredService<CatalogDatabase>(), sp.GetRequiredService<IImageEmbedder>()));
        return services;
    }

    /// <summary>Where <c>lookbook quantize</c> writes the calibration of a catalog's model.</summary>
    public static string CalibrationPathFor(string databasePath) => databasePath + ".int8.json";

    /// <summary>Reports every problem of an options object at once, each naming its configuration key.</summary>
    private sealed class ProblemsValidator<T>(Func<T, IEnumerable<string>> problemsOf) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var problems = problemsOf(options).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}

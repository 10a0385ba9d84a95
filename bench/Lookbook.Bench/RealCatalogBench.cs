using System.Diagnostics;
using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Evaluation;
using Lookbook.Learning;
using Lookbook.Search;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;

namespace Lookbook.Bench;

/// <summary>
/// The real-photos part: the Kaggle product photos beside the repository (../shared/data/fashion-products, never part of
/// it) imported at 224 px as a user would, a head trained, then the held-out evaluation (article type, sub-category,
/// colour) and shopper-like photos of catalog products at three strengths, plus images of no product.
/// </summary>
internal static class RealCatalogBench
{
    public static string DefaultFolder => Path.GetFullPath(Path.Combine(BenchEnvironment.RepositoryRoot(), "..", "shared", "data", "fashion-products"));

    public static async Task RunAsync(BenchReport report, string folder, int shopperPhotos, CancellationToken cancellationToken)
    {
        var styles = Path.Combine(folder, "styles.csv");
        if (!File.Exists(styles))
        {
            Console.Error.WriteLine($"real: no {styles}; skipped (the real catalog is not part of the repository).");
            return;
        }

        var work = Directory.CreateTempSubdirectory("lookbook-bench-real").FullName;
        try
        {
            using var embedder = new OnnxImageEmbedder(new EmbeddingOptions { Preprocessing = new PreprocessingOptions { InputSize = 224 } });
            var database = CatalogDatabase.Open(Path.Combine(work, "real.db"));
            var clock = Stopwatch.StartNew();
            var imported = await new CatalogImporter(database, embedder).ImportAsync(new StylesCsvSource(styles), new ImportOptions(), cancellationToken: cancellationToken);
            const string group = "real photos (fashion-products, 224 px)";
            report.Add(group, "import", imported.Counts.Added / clock.Elapsed.TotalSeconds, "images/s", $"{imported.Counts.Added:N0} products");

            clock.Restart();
            var head = await new HeadTrainer(database, embedder).TrainAsync(new HeadTrainingRequest(), cancellationToken: cancellationToken);
            report.Add(group, "head: validation accuracy", head.Metrics.ValidationAccuracy, "", $"trained in {clock.Elapsed.TotalSeconds:F0} s");
            report.Add(group, "head: validation macro F1", head.Metrics.ValidationMacroF1, "");

            using var catalogs = new SearchableCatalogProvider(database);
            using var search = new PhotoSearch(catalogs, embedder);
            var holdout = new CatalogEvaluator(database, embedder, catalogs, search, Microsoft.Extensions.Options.Options.Create(new SearchOptions()))
                .EvaluateHoldout(0.2, 42, cancellationToken: cancellationToken);
            report.Add(group, "held out: article-type accuracy", holdout.Classification?.Accuracy ?? double.NaN, "", $"{holdout.Queries:N0} unseen products");
            report.Add(group, "held out: article-type macro F1", holdout.Classification?.MacroF1 ?? double.NaN, "");
            var at10 = holdout.Retrieval.Single(r => r.K == 10);
            report.Add(group, "held out: article-type precision@10", at10.PrecisionAtK, "");
            report.Add(group, "held out: article-type mAP@10", at10.MapAtK, "");
            foreach (var facet in holdout.Facets)
            {
                report.Add(group, $"held out: {facet.Attribute} precision@10", facet.PrecisionAtK, "");
                report.Add(group, $"held out: {facet.Attribute} mAP@10", facet.MapAtK, "");
            }

            var shopper = new ShopperPhotoEvaluator(database, embedder, catalogs, search).Evaluate(shopperPhotos, unrelated: 200, seed: 42, cancellationToken: cancellationToken);
            foreach (var s in shopper.Strengths)
            {
                var name = $"shopper photos, {s.Name.ToLowerInvariant()}";
                report.Add(group, $"{name}: exact product recall@1", s.RecallAt1, "", $"{s.Photos:N0} photos");
                report.Add(group, $"{name}: exact product recall@10", s.RecallAt10, "");
                report.Add(group, $"{name}: MRR@10", s.MrrAt10, "");
                report.Add(group, $"{name}: category precision@10", s.CategoryPrecisionAt10, "");
                report.Add(group, $"{name}: answered no good match", s.NoGoodMatchRate, "", $"{s.NoProductRate:P1} because the head saw no product");
            }

            report.Add(group, "unrelated images answered no good match", shopper.UnrelatedNoGoodMatchRate ?? double.NaN, "", $"{shopper.UnrelatedImages:N0} images");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(work, recursive: true);
        }
    }
}

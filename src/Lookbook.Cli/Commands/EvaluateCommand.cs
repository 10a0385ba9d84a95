using System.CommandLine;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Cli.Output;
using Lookbook.Evaluation;
using Spectre.Console;

namespace Lookbook.Cli.Commands;

/// <summary><c>lookbook evaluate</c>: classification and retrieval quality on held-out data, with an HTML report.</summary>
internal static class EvaluateCommand
{
    public static Command Create(GlobalOptions global)
    {
        var queries = new Option<DirectoryInfo?>("--queries")
        {
            Description = "Fashion-MNIST IDX folder whose images are the queries (e.g. /usr/share/datasets/fashion-mnist); default: a held-out split of the catalog.",
        };
        var split = new Option<string>("--split") { Description = "With --queries: train or test.", DefaultValueFactory = _ => "test" };
        var limit = new Option<int>("--limit") { Description = "With --queries: only the first N images (0: all)." };
        var holdout = new Option<double>("--holdout") { Description = "Without --queries: share of each category held out as queries.", DefaultValueFactory = _ => 0.2 };
        var seed = new Option<int>("--seed") { Description = "Seed of the held-out split.", DefaultValueFactory = _ => 42 };
        var report = new Option<string?>("--report") { Description = "Where to write the HTML report (default: beside the catalog, served by `lookbook serve` at /report)." };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON." };
        var personalization = new Option<bool>("--personalization") { Description = "Evaluate recommendations instead, with simulated shoppers (hit-rate@10, NDCG@10, coverage, diversity; baselines and a λ sweep)." };
        var users = new Option<int>("--users") { Description = "With --personalization: how many shoppers to simulate.", DefaultValueFactory = _ => 300 };
        var shopperPhotos = new Option<int>("--shopper-photos")
        {
            Description = "Catalog products to photograph as a shopper would (one synthesised photo per strength: mild, medium, strong); 0 skips it.",
            DefaultValueFactory = _ => 200,
        };
        var transformed = new Option<int>("--transformed")
        {
            Description = "With --queries: this many of the query images are also searched rotated, noisy, blurred, cropped and photo-like, as served; 0 skips it.",
            DefaultValueFactory = _ => 1000,
        };
        var unrelated = new Option<int>("--unrelated") { Description = "Images of no product (textures, scenes, noise) that should get \"no good match\".", DefaultValueFactory = _ => 100 };
        var command = new Command("evaluate", "Measure accuracy, precision, recall, F1, the confusion matrix and retrieval P@k, R@k, mAP@k, NDCG@k.")
        {
            queries, split, limit, holdout, seed, report, json, personalization, users, shopperPhotos, unrelated, transformed,
        };
        command.SetAction(global, (result, context, cancellationToken) =>
        {
            var asJson = result.GetValue(json);
            if (result.GetValue(personalization))
            {
                var personal = context.Get<PersonalizationEvaluator>().Evaluate(result.GetValue(users), result.GetValue(seed));
                if (asJson)
                {
                    Json.Write(context.Out.Profile.Out.Writer, personal);
                }
                else
                {
                    PrintPersonalization(context, personal);
                }

                return Task.FromResult(ExitCodes.Success);
            }

            var evaluator = context.Get<CatalogEvaluator>();
            var progress = StatusLines.For(context, asJson);
            var evaluation = result.GetValue(queries) is { } folder
                ? evaluator.EvaluateQueries(new FashionMnistSource(folder.FullName, result.GetValue(split)!, result.GetValue(limit)), progress, cancellationToken)
                : evaluator.EvaluateHoldout(result.GetValue(holdout), result.GetValue(seed), progress, cancellationToken);
            if (result.GetValue(queries) is { } queryFolder && result.GetValue(transformed) > 0)
            {
                evaluation = evaluation with
                {
                    TransformedQueries = context.Get<TransformedQueryEvaluator>().Evaluate(
                        new FashionMnistSource(queryFolder.FullName, result.GetValue(split)!, result.GetValue(limit)), result.GetValue(transformed), result.GetValue(seed),
                        progress, cancellationToken),
                };
            }

            if (result.GetValue(shopperPhotos) > 0)
            {
                evaluation = evaluation with
                {
                    ShopperPhotos = context.Get<ShopperPhotoEvaluator>()
                        .Evaluate(result.GetValue(shopperPhotos), result.GetValue(unrelated), result.GetValue(seed), progress: progress, cancellationToken: cancellationToken),
                };
            }

            var path = Path.GetFullPath(result.GetValue(report) ?? context.Get<CatalogDatabase>().Files.ReportHtml);
            File.WriteAllText(path, HtmlReport.Render(evaluation));
            if (asJson)
            {
                Json.Write(context.Out.Profile.Out.Writer, evaluation);
                return Task.FromResult(ExitCodes.Success);
            }

            Print(context, evaluation);
            context.Out.MarkupLine($"Report: [bold]{Markup.Escape(path)}[/]");
            return Task.FromResult(ExitCodes.Success);
        }, requiresCatalog: true);
        return command;
    }

    private static void PrintPersonalization(CliContext context, PersonalizationReport report)
    {
        context.Out.MarkupLine($"{report.Users} simulated shoppers, {report.CatalogSize:N0} products; the last interaction of each is held out.");
        foreach (var (title, rows) in new[] { ("Recommenders", report.Results), ("Diversity sweep (MMR λ)", report.DiversitySweep) })
        {
            var table = new Table().Border(TableBorder.Rounded).Title(title).AddColumn("").AddColumn(new TableColumn("hit-rate@10").RightAligned())
                .AddColumn(new TableColumn("NDCG@10").RightAligned()).AddColumn(new TableColumn("coverage").RightAligned()).AddColumn(new TableColumn("intra-list diversity").RightAligned());
            foreach (var r in rows)
            {
                table.AddRow(Markup.Escape(r.Name), $"{r.HitRateAt10:F3}", $"{r.NdcgAt10:F3}", $"{r.Coverage:P1}", $"{r.IntraListDiversity:F3}");
            }

            context.Out.Write(table);
        }
    }

    private static void Print(CliContext context, EvaluationReport e)
    {
        context.Out.MarkupLine(Markup.Escape(e.Setup));
        if (e.Classification is { } c)
        {
            context.Out.MarkupLine($"Classification: accuracy [bold]{c.Accuracy:F4}[/], macro precision {c.MacroPrecision:F4}, macro recall {c.MacroRecall:F4}, macro F1 [bold]{c.MacroF1:F4}[/]");
            var perClass = new Table().Border(TableBorder.Rounded).AddColumn("Class").AddColumn(new TableColumn("Precision").RightAligned())
                .AddColumn(new TableColumn("Recall").RightAligned()).AddColumn(new TableColumn("F1").RightAligned()).AddColumn(new TableColumn("Support").RightAligned());
            foreach (var s in c.PerClass)
            {
                perClass.AddRow(Markup.Escape(s.Class), $"{s.Precision:F3}", $"{s.Recall:F3}", $"{s.F1:F3}", $"{s.Support:N0}");
            }

            context.Out.Write(perClass);
        }
        else
        {
            context.Out.MarkupLine("[yellow]No classification head: run `lookbook train` to evaluate classification.[/]");
        }

        var retrieval = new Table().Border(TableBorder.Rounded).AddColumn("k").AddColumn(new TableColumn("Precision@k").RightAligned())
            .AddColumn(new TableColumn("Recall@k").RightAligned()).AddColumn(new TableColumn("mAP@k").RightAligned()).AddColumn(new TableColumn("NDCG@k").RightAligned());
        foreach (var r in e.Retrieval)
        {
            retrieval.AddRow($"{r.K}", $"{r.PrecisionAtK:F4}", $"{r.RecallAtK:F4}", $"{r.MapAtK:F4}", $"{r.NdcgAtK:F4}");
        }

        context.Out.Write(retrieval);
        foreach (var f in e.Facets)
        {
            var predicted = e.ColourPrediction is { } colour && colour.Attribute == f.Attribute
                ? $"; predicted right [bold]{colour.Accuracy:P1}[/], shown for {colour.ShownShare:P1} (right {colour.ShownAccuracy:P1} of those)"
                : "";
            context.Out.MarkupLine($"By {Markup.Escape(f.Attribute)}: precision@10 [bold]{f.PrecisionAtK:F4}[/], mAP@10 {f.MapAtK:F4}{predicted}");
        }

        if (e.ShopperPhotos is { } shopper)
        {
            var photos = new Table().Border(TableBorder.Rounded).Title("Shopper photos (ranks as if no threshold; \"no good match\" as served)").AddColumn("Strength")
                .AddColumn(new TableColumn("Photos").RightAligned()).AddColumn(new TableColumn("Recall@1").RightAligned()).AddColumn(new TableColumn("Recall@10").RightAligned())
                .AddColumn(new TableColumn("MRR@10").RightAligned()).AddColumn(new TableColumn("Category P@10").RightAligned()).AddColumn(new TableColumn("No good match").RightAligned())
                .AddColumn(new TableColumn("of which no product seen").RightAligned());
            foreach (var r in shopper.Strengths)
            {
                photos.AddRow($"{r.Name}", $"{r.Photos:N0}", $"{r.RecallAt1:F3}", $"{r.RecallAt10:F3}", $"{r.MrrAt10:F3}", $"{r.CategoryPrecisionAt10:F3}", $"{r.NoGoodMatchRate:P1}", $"{r.NoProductRate:P1}");
            }

            context.Out.Write(photos);
            context.Out.MarkupLine(shopper.UnrelatedNoGoodMatchRate is { } rate
                ? $"Images of no product answered \"no good match\": [bold]{rate:P1}[/] of {shopper.UnrelatedImages:N0}"
                : "Images of no product: no threshold without a trained head (run `lookbook train`).");
            if (shopper.Outfits is { } outfits)
            {
                context.Out.MarkupLine($"Shop the look ({outfits.Photos:N0} photos of two products, each item searched): both items found on [bold]{outfits.ItemsFound:P1}[/], products in an item's top 10 [bold]{outfits.ProductRecallAt10:P1}[/]");
            }
        }

        if (e.TransformedQueries is { } changed)
        {
            var table = new Table().Border(TableBorder.Rounded).Title("Changed queries, as served (\"no good match\" scores 0)").AddColumn("Query")
                .AddColumn(new TableColumn("Queries").RightAligned()).AddColumn(new TableColumn("Category P@10").RightAligned()).AddColumn(new TableColumn("No good match").RightAligned());
            foreach (var r in changed.Transforms)
            {
                table.AddRow($"{r.Transform}", $"{r.Queries:N0}", $"{r.PrecisionAt10:F3}", $"{r.NoGoodMatchRate:P1}");
            }

            context.Out.Write(table);
        }

        context.Out.MarkupLine($"Timings: {e.Timings.TotalSeconds:F1} s in all, {e.Timings.EmbedMsPerQuery:F2} ms embedding and {e.Timings.SearchMsPerQuery:F2} ms search per query.");
    }
}

using System.CommandLine;
using Lookbook.Catalog.Storage;
using Lookbook.Cli.Output;
using Lookbook.Learning;
using Lookbook.Vision.Embedding;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Lookbook.Cli.Commands;

/// <summary><c>lookbook train</c>: the classification head on the frozen embeddings.</summary>
internal static class TrainCommand
{
    public static Command Create(GlobalOptions global)
    {
        // The defaults are the training records' own, so the CLI and every other caller train alike.
        var defaults = new HeadTrainingRequest();
        var options = new TrainingOptions();
        var copies = new Option<int>("--augment") { Description = "Augmented copies of each training image (flip, rotation, crop/zoom, brightness/contrast, noise; every second one as a phone camera sees it: stronger noise, tilt and blur).", DefaultValueFactory = _ => defaults.AugmentedCopies };
        var validation = new Option<double>("--validation") { Description = "Share of each category held out for early stopping and calibration.", DefaultValueFactory = _ => defaults.ValidationFraction };
        var hidden = new Option<int>("--hidden") { Description = "Units in the hidden layer.", DefaultValueFactory = _ => options.HiddenSize };
        var epochs = new Option<int>("--epochs") { Description = "Most passes over the training data (early stopping usually ends sooner).", DefaultValueFactory = _ => options.MaxEpochs };
        var dropout = new Option<float>("--dropout") { Description = "Dropout on the hidden layer.", DefaultValueFactory = _ => options.Dropout };
        var members = new Option<int>("--members") { Description = "Networks trained from different seeds and averaged in the category head (1: a single one).", DefaultValueFactory = _ => options.Members };
        var seed = new Option<int>("--seed") { Description = "Seed for the split, initialisation, augmentation and dropout.", DefaultValueFactory = _ => options.Seed };
        var shopperViews = new Option<int>("--shopper-views")
        {
            Description = "Synthesised shopper photos of each training product to learn from, for the head and the shopper-photo projection (at most 20,000 in all); 0 learns from catalog shots only.",
            DefaultValueFactory = _ => defaults.ShopperViews,
        };
        var noProduct = new Option<int>("--no-product")
        {
            Description = "Generated images of no product the head learns to turn away (\"no good match\"); 0 trains without that class.",
            DefaultValueFactory = _ => defaults.NoProductExamples,
        };
        var projectionEpochs = new Option<int>("--projection-epochs")
        {
            Description = "Most passes when learning the shopper-photo projection from the shopper views (early stopping usually ends sooner); 0 learns none.",
            DefaultValueFactory = _ => new ProjectionOptions().MaxEpochs,
        };
        var colourAttribute = new Option<string>("--colour-attribute")
        {
            Description = "Product attribute the colour head learns, to steer results to the photo's colour and name it (\"looks like: Black Tshirts\"); an empty value learns none.",
            DefaultValueFactory = _ => defaults.ColourAttribute ?? "",
        };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("train", "Train fully connected layers on the frozen ResNet features to classify products; search then uses them.")
        {
            copies, validation, hidden, epochs, dropout, members, seed, shopperViews, noProduct, projectionEpochs, colourAttribute, json,
        };
        command.SetAction(global, async (result, context, cancellationToken) =>
        {
            var request = new HeadTrainingRequest(
                result.GetValue(copies),
                result.GetValue(validation),
                Options: new TrainingOptions(HiddenSize: result.GetValue(hidden), MaxEpochs: result.GetValue(epochs), Dropout: result.GetValue(dropout), Seed: result.GetValue(seed), Members: result.GetValue(members)),
                ShopperViews: result.GetValue(shopperViews),
                NoProductExamples: result.GetValue(noProduct),
                Projection: new ProjectionOptions(MaxEpochs: result.GetValue(projectionEpochs), Seed: result.GetValue(seed)),
                ColourAttribute: result.GetValue(colourAttribute));
            var asJson = result.GetValue(json);
            var progress = StatusLines.For(context, asJson);
            var trained = await context.Get<HeadTrainer>().TrainAsync(request, progress, cancellationToken).ConfigureAwait(false);
            var m = trained.Metrics;
            var int8Look = CalibrateInt8Look(context, trained);
            if (asJson)
            {
                Json.Write(context.Out.Profile.Out.Writer, new
                {
                    file = context.Get<CatalogDatabase>().Files.Head,
                    classes = trained.Head.Classes,
                    trained.RetrievalSpace,
                    trained.NoMatchThreshold,
                    trained.CategoryBoost,
                    metrics = m,
                    colour = trained.Colour is { } c ? new { c.Attribute, c.Colours, c.Boost, c.ConfidenceThreshold, c.DescriptorSize, c.Metrics } : null,
                    int8LookCalibration = int8Look,
                });
                return ExitCodes.Success;
            }

            context.Out.MarkupLine($"Trained on {m.TrainingExamples:N0} examples ({m.AugmentedCopies} augmented cop{(m.AugmentedCopies == 1 ? "y" : "ies")} per image), {(trained.Options.Members > 1 ? $"{trained.Options.Members} networks averaged, the first's best epoch" : "best epoch")} {m.BestEpoch}, {m.TrainingSeconds:F0} s.");
            context.Out.MarkupLine($"Validation ({m.ValidationExamples:N0} held-out products): accuracy [bold]{m.ValidationAccuracy:P2}[/], macro F1 [bold]{m.ValidationMacroF1:P2}[/].");
            context.Out.MarkupLine($"Category mAP@10 on validation: raw features {m.RawMapAt10:F3}, learned (hidden layer) {m.HiddenMapAt10:F3}.");
            if (m.Spaces is { } spaces && spaces.Any(s => s.ShopperMrrAt10 is not null))
            {
                context.Out.MarkupLine("Retrieval spaces on validation (category mAP@10 of catalog shots; exact-product MRR@10 of shopper photos of held-out products):");
                foreach (var space in spaces)
                {
                    context.Out.MarkupLine($"  {Markup.Escape(space.Name),-20} mAP@10 {space.CategoryMapAt10:F3}  MRR@10 {space.ShopperMrrAt10:F3}");
                }

                context.Out.MarkupLine($"In the space chosen, shopper photos of held-out products: recall@1 {m.ShopperRecallAt1:F3}, recall@10 {m.ShopperRecallAt10:F3}.");
            }

            context.Out.MarkupLine(m.ObjectnessBalancedAccuracy is { } cells
                ? $"Localization: {cells:P1} of feature-map cells told right on held-out shopper photos, their product found (IoU ≥ 0.5) in {m.LocalizationHitRate:P1}; a small garment is cropped and searched on its own."
                : "No localization: photos are searched whole (finding garments on a photo needs images embedded at 224 px or more).");
            context.Out.MarkupLine($"Search uses [bold]{trained.RetrievalSpace}[/] vectors{(trained is { RetrievalSpace: RetrievalSpace.Projected, Projection.RawWeight: > 0 } ? $" (blended with raw at {trained.Projection.RawWeight:0.##})" : "")}, category boost {trained.CategoryBoost:0.###}.");
            if (trained.CatalogShotRawWeight is not null || trained.CatalogShotCategoryBoost is not null)
            {
                context.Out.MarkupLine($"A catalog-like photo is compared with raw weight {trained.CatalogShotRawWeight ?? trained.Projection?.RawWeight:0.##} and category boost {trained.CategoryBoostFor(1):0.###} (validation score {m.CatalogShotScore:F3}).");
            }

            if (m.ShotAccuracy is { } shots)
            {
                context.Out.MarkupLine($"Catalog shots and shopper photos of held-out products told apart: {shots:P1}{(trained.CatalogShotCategories is null ? "" : "; a catalog-like photo's category is also read by a head learned from catalog shots alone")}.");
            }

            PrintColour(context, trained.Colour);
            context.Out.MarkupLine($"No-good-match threshold: similarity below {trained.NoMatchThreshold:F3}: with the no-product class, search lets through {m.ShopperPhotosAccepted:P1} of shopper-like photos of catalog products and turns away {m.UnrelatedRejected:P1} of images of no product.");
            if (int8Look is not null)
            {
                context.Out.MarkupLine($"Calibrated the int8 model on catalog images ({Markup.Escape(int8Look)}): searches find the garments on a large photo with it, a faster first look (the vectors searched stay float32).");
            }

            context.Out.MarkupLine($"Saved {Markup.Escape(context.Get<CatalogDatabase>().Files.Head)}.");
            return ExitCodes.Success;
        }, requiresCatalog: true);
        return command;
    }

    /// <summary>
    /// With localization learned, a float32 catalog gets the int8 calibration its searches' first look needs (what
    /// <c>lookbook quantize</c> writes; seconds), unless it has one or the look is configured to stay float32: a large
    /// photo's first look then takes 6–8 ms of model time instead of 19. Returns the file written, or null.
    /// </summary>
    private static string? CalibrateInt8Look(CliContext context, TrainedHead trained)
    {
        var options = context.Get<IOptions<EmbeddingOptions>>().Value;
        var database = context.Get<CatalogDatabase>();
        var path = options.CalibrationPath ?? database.Files.Calibration;
        if (trained.Objectness is null || options.Precision != ModelPrecision.Float32 || options.LookPrecision == ModelPrecision.Float32 || File.Exists(path))
        {
            return null;
        }

        return QuantizeCommand.Calibrate(database, options, database.ReadImageSample(512)).Path;
    }

    private static void PrintColour(CliContext context, ColourHead? colour)
    {
        if (colour?.Metrics is not { } m)
        {
            return; // the training's progress said why
        }

        var reads = colour.DescriptorSize > 0 ? "the backbone vector and the photo's pixel colours" : "the backbone vector";
        context.Out.MarkupLine($"Colour head on {Markup.Escape(colour.Attribute)} (reads {reads}): {m.Colours} colours, {m.TrainingExamples:N0} examples, best epoch {m.BestEpoch}; " +
            $"held-out products' colour predicted right: catalog shots [bold]{m.Accuracy:P1}[/]{(m.ShopperPhotoAccuracy is { } shopper ? $", shopper photos {shopper:P1}" : "")}.");
        context.Out.MarkupLine("Colour weights on validation (precision@10 of held-out catalog shots; exact-product MRR@10 of shopper photos):");
        foreach (var b in m.Boosts)
        {
            context.Out.MarkupLine($"  {b.Boost,-5:0.##} category {b.CategoryPrecisionAt10:F3}  colour {b.ColourPrecisionAt10:F3}  MRR@10 {b.ShopperMrrAt10:F3}");
        }

        context.Out.MarkupLine($"Search steers by colour with weight [bold]{colour.Boost:0.##}[/]; " + (colour.ConfidenceThreshold is { } t
            ? $"a photo's colour is named from {t:P0} confidence ({m.ConfidentShare:P1} of validation photos, right {m.ConfidentAccuracy:P1} of the time)."
            : "a photo's colour is never named (no confidence was right often enough)."));
    }
}

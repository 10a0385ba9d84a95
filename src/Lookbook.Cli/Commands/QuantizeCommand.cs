using System.CommandLine;
using System.Diagnostics;
using Lookbook.Catalog.Storage;
using Lookbook.Search;
using Lookbook.Vision.Embedding;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Lookbook.Cli.Commands;

/// <summary><c>lookbook quantize</c>: calibrate the int8 backbone on the catalog's own images.</summary>
internal static class QuantizeCommand
{
    public static Command Create(GlobalOptions global)
    {
        var images = new Option<int>("--images") { Description = "Catalog images to calibrate on, spread evenly over the catalog.", DefaultValueFactory = _ => 512 };
        var command = new Command(
            "quantize",
            "Measure the model's activation ranges on catalog images, so that `--precision int8` can run its convolutions in 8-bit integers, and float32 searches find the garments on a photo with the int8 model (a faster first look).")
        {
            images,
        };
        command.SetAction(global, (result, context, _) =>
        {
            var count = result.GetValue(images);
            if (count < 16)
            {
                context.Error.MarkupLine("[red]error:[/] --images must be at least 16.");
                return Task.FromResult(ExitCodes.InvalidUsage);
            }

            var database = context.Get<CatalogDatabase>();
            var options = context.Get<IOptions<EmbeddingOptions>>().Value;
            var sample = database.ReadImageSample(count);
            if (sample.Count == 0)
            {
                throw new CatalogEmptyException(database.Path);
            }

            var clock = Stopwatch.StartNew();
            var (calibration, path) = Calibrate(database, options, sample);
            context.Out.MarkupLine(
                $"Calibrated {calibration.Ranges.Count} activations of {Markup.Escape(calibration.Model)} on {calibration.Images} catalog images in {clock.Elapsed.TotalSeconds:F1} s → [bold]{Markup.Escape(path)}[/]");
            context.Out.MarkupLine("Float32 searches now find the garments on a photo with the int8 model (a faster first look; the vectors searched stay float32).");
            context.Out.MarkupLine("For int8 vectors too: [bold]lookbook reindex --precision int8[/] (int8 vectors differ slightly from float32 ones), then use [bold]--precision int8[/] to search and serve.");
            return Task.FromResult(ExitCodes.Success);
        }, requiresCatalog: true);
        return command;
    }

    /// <summary>Measures the ranges on <paramref name="sample"/> and saves them where the configuration reads them.</summary>
    internal static (CalibrationTable Calibration, string Path) Calibrate(CatalogDatabase database, EmbeddingOptions options, IReadOnlyList<StoredImage> sample)
    {
        // Ranges are measured on the float model, whatever precision is configured now.
        var calibration = Int8Calibrator.Calibrate(
            new EmbeddingOptions { ModelPath = options.ModelPath, Layers = options.Layers, Preprocessing = options.Preprocessing },
            sample.Select(image => image.Bytes ?? File.ReadAllBytes(image.Path!)));
        var path = options.CalibrationPath ?? database.Files.Calibration;
        calibration.Save(path);
        return (calibration, path);
    }
}

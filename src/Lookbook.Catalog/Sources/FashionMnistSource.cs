using System.Globalization;
using SkiaSharp;

namespace Lookbook.Catalog.Sources;

/// <summary>
/// Fashion-MNIST (Zalando, MIT licence) in its IDX files: 28×28 grey product images in ten classes.
/// Each image becomes a product whose PNG is kept in the database, as the dataset has no image files.
/// </summary>
public sealed class FashionMnistSource : ICatalogSource
{
    /// <summary>The label names, in label order, from the dataset's documentation.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private readonly string _imagesPath;
    private readonly string _labelsPath;
    private readonly string _split;
    private readonly int _limit;

    /// <param name="directory">Folder with <c>{split}-images-idx3-ubyte[.gz]</c> and <c>{split}-labels-idx1-ubyte[.gz]</c>.</param>
    /// <param name="split"><c>train</c> or <c>t10k</c> (the official test set; <c>test</c> is accepted too).</param>
    /// <param name="limit">Import only the first N images; 0 for all.</param>
    public FashionMnistSource(string directory, string split = "train", int limit = 0)
    {
        _split = split == "test" ? "t10k" : split;
        if (_split is not ("train" or "t10k"))
        {
            throw new ArgumentException($"Unknown Fashion-MNIST split '{split}'; use train or test.", nameof(split));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var root = Path.GetFullPath(directory);
        _imagesPath = FindFile(root, $"{_split}-images-idx3-ubyte");
        _labelsPath = FindFile(root, $"{_split}-labels-idx1-ubyte");
        _limit = limit;
        Name = $"fashion-mnist:{root}#{_split}";
    }

    public string Name { get; }

    public int? CountHint
    {
        get
        {
            var count = IdxFile.ReadCount(_imagesPath, expectedRank: 3);
            return _limit > 0 ? Math.Min(_limit, count) : count;
        }
    }

    public IEnumerable<SourceEntry> ReadEntries()
    {
        var (count, rows, columns, pixels) = IdxFile.ReadImages(_imagesPath);
        var labels = IdxFile.ReadLabels(_labelsPath);
        if (labels.Length != count)
        {
            throw new InvalidDataException($"{_imagesPath} has {count} images but {_labelsPath} has {labels.Length} labels.");
        }

        var take = _limit > 0 ? Math.Min(_limit, count) : count;
        var splitName = _split == "t10k" ? "test" : "train";
        for (var index = 0; index < take; index++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"fmnist-{splitName}-{index:D5}");
            if (labels[index] >= ClassNames.Count)
            {
                yield return SourceEntry.Problem(id, "bad-label", $"Label {labels[index]} is outside the ten Fashion-MNIST classes.");
                continue;
            }

            var category = ClassNames[labels[index]];
            var png = EncodePng(pixels.AsSpan(index * rows * columns, rows * columns), columns, rows);
            var attributes = new Dictionary<string, string>
            {
                ["dataset"] = "fashion-mnist",
                ["split"] = splitName,
                ["index"] = index.ToString(CultureInfo.InvariantCulture),
            };
            yield return SourceEntry.Of(new SourceItem(id, $"{category} #{index}", category, attributes, null, png));
        }
    }

    private static byte[] EncodePng(ReadOnlySpan<byte> grey, int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        grey.CopyTo(bitmap.GetPixelSpan());
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static string FindFile(string directory, string stem)
    {
        foreach (var candidate in new[] { stem + ".gz", stem })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException(
            $"No {stem}[.gz] in {directory}. Fashion-MNIST is installed by `apt-get install dataset-fashion-mnist` under /usr/share/datasets/fashion-mnist.");
    }
}

using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Lookbook.Catalog.Sources;

/// <summary>
/// The Kaggle "Fashion Product Images" layout: <c>styles.csv</c> (id, gender, masterCategory,
/// subCategory, articleType, baseColour, season, year, usage, productDisplayName) with images at
/// <c>images/{id}.jpg</c> beside it. Rows with the wrong number of fields (the real file has names
/// with unquoted commas), without an id or without an image are reported and skipped.
/// </summary>
public sealed class StylesCsvSource : ICatalogSource
{
    public static readonly IReadOnlyList<string> RequiredColumns = ["id", "productDisplayName"];
    private readonly string _csvPath;
    private readonly string _imagesDirectory;
    private readonly string _categoryColumn;

    /// <param name="csvPath">Path of styles.csv.</param>
    /// <param name="categoryColumn">Column that becomes the product category (articleType: Tshirts, Jeans, Handbags...).</param>
    /// <param name="imagesDirectory">Where {id}.jpg live; default: the <c>images</c> folder beside the CSV.</param>
    public StylesCsvSource(string csvPath, string categoryColumn = "articleType", string? imagesDirectory = null)
    {
        _csvPath = Path.GetFullPath(csvPath);
        if (!File.Exists(_csvPath))
        {
            throw new FileNotFoundException($"CSV file not found: {_csvPath}");
        }

        _imagesDirectory = Path.GetFullPath(imagesDirectory ?? Path.Combine(Path.GetDirectoryName(_csvPath)!, "images"));
        _categoryColumn = categoryColumn;
        Name = $"styles-csv:{_csvPath}";
    }

    public string Name { get; }

    public int? CountHint => Math.Max(0, File.ReadLines(_csvPath).Count() - 1);

    public IEnumerable<SourceEntry> ReadEntries()
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            // Bad rows are reported by the checks below instead of aborting the import.
            BadDataFound = null,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
            TrimOptions = TrimOptions.Trim,
        };
        using var reader = new StreamReader(_csvPath);
        using var csv = new CsvReader(reader, configuration);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null)
        {
            throw new InvalidDataException($"{_csvPath} is empty: it has no header row.");
        }

        var header = csv.HeaderRecord;
        var missing = RequiredColumns.Append(_categoryColumn).Where(c => !header.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException(
                $"{_csvPath} lacks the column(s) {string.Join(", ", missing)}; found: {string.Join(", ", header)}.");
        }

        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var where = $"{Path.GetFileName(_csvPath)} line {line}";
            if (csv.Parser.Count != header.Length)
            {
                yield return SourceEntry.Problem(where, "malformed-row",
                    $"The row has {csv.Parser.Count} fields; the header has {header.Length} (an unquoted comma?).");
                continue;
            }

            var id = csv.GetField("id");
            if (string.IsNullOrWhiteSpace(id) || id.IndexOfAny(['/', '\\']) >= 0 || id.Contains("..", StringComparison.Ordinal))
            {
                yield return SourceEntry.Problem(where, "malformed-row", $"The id '{id}' is empty or not a plain name.");
                continue;
            }

            var category = csv.GetField(_categoryColumn);
            if (string.IsNullOrWhiteSpace(category))
            {
                yield return SourceEntry.Problem(where, "malformed-row", $"Product {id} has no {_categoryColumn}.");
                continue;
            }

            var imagePath = Path.Combine(_imagesDirectory, id + ".jpg");
            if (!File.Exists(imagePath))
            {
                yield return SourceEntry.Problem(id, "missing-image", $"No image at {imagePath}.");
                continue;
            }

            var attributes = header
                .Where(c => c is not ("id" or "productDisplayName"))
                .Select(c => (Column: c, Value: csv.GetField(c)))
                .Where(f => !string.IsNullOrEmpty(f.Value))
                .ToDictionary(f => f.Column, f => f.Value!);
            var title = csv.GetField("productDisplayName");
            yield return SourceEntry.Of(new SourceItem(id, string.IsNullOrWhiteSpace(title) ? id : title!, category!, attributes, imagePath, null));
        }
    }
}

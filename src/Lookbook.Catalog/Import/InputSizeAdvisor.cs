using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Vision.Images;

namespace Lookbook.Catalog.Import;

/// <summary>
/// Lets the model's input size follow the catalog when none is configured: an indexed catalog keeps the size its
/// vectors were made at, and a new one gets a size chosen from its first images — 28 px Fashion-MNIST items need
/// no 224 px pass (64 px retrieves them better and costs a fourteenth), product photos get ResNet's 224.
/// </summary>
public static class InputSizeAdvisor
{
    private const int Smallest = 64;
    private const int Largest = 224;

    /// <summary>The input side for images whose median shorter side is <paramref name="side"/> pixels (a multiple of 32).</summary>
    public static int ForImageSide(int side) => side <= Smallest ? Smallest : side >= Largest ? Largest : (side + 31) / 32 * 32;

    /// <summary>A size for the first <paramref name="sample"/> readable images of <paramref name="source"/>, or null when it has none.</summary>
    public static int? Suggest(ICatalogSource source, int sample = 32)
    {
        var sides = new List<int>();
        foreach (var entry in source.ReadEntries())
        {
            if (entry.Item is not { } item)
            {
                continue;
            }

            try
            {
                var bytes = item.ImageBytes ?? File.ReadAllBytes(item.ImagePath!);
                var header = ImageDecoder.ReadHeader(bytes, ImageLimits.Default);
                sides.Add(Math.Min(header.Width, header.Height));
            }
            catch (Exception e) when (e is ImageRejectedException or IOException or UnauthorizedAccessException)
            {
                continue; // the import reports it; the size comes from the good ones
            }

            if (sides.Count == sample)
            {
                break;
            }
        }

        return sides.Count == 0 ? null : ForImageSide(sides.Order().ElementAt(sides.Count / 2));
    }

    /// <summary>The size the catalog's vectors were made at, or null (a new catalog: keep the configured size).</summary>
    public static int? ForCatalog(string databasePath) => ForCatalog(new StorageOptions { DatabasePath = databasePath });

    /// <summary>The size the vectors of the catalog these options name were made at, or null (a new or unreachable catalog).</summary>
    public static int? ForCatalog(StorageOptions storage)
    {
        if (storage.Provider == StorageProvider.Sqlite && !File.Exists(storage.DatabasePath))
        {
            return null;
        }

        if (storage.Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            return null; // reported by the options' validation
        }

        using var catalog = CatalogDatabase.Open(storage);
        return catalog.GetEmbeddingProfile() is { InputSize: > 0 } profile ? profile.InputSize : null;
    }
}

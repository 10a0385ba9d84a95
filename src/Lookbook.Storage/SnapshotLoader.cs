using Lookbook.Core.Search;

namespace Lookbook.Storage;

/// <summary>Builds the in-memory searchable catalog from the database.</summary>
public static class SnapshotLoader
{
    /// <summary>
    /// Loads every embedded product into an exact index of <paramref name="dimension"/>-d vectors,
    /// optionally mapped by <paramref name="project"/> (e.g. into a trained head's learned space).
    /// </summary>
    public static CatalogSnapshot Load(CatalogDatabase database, int dimension, Func<float[], float[]>? project = null, int? projectedDimension = null)
    {
        var index = new ExactVectorIndex(projectedDimension ?? dimension, initialCapacity: 4096);
        foreach (var stored in database.ReadVectors())
        {
            if (stored.Vector.Length != dimension)
            {
                throw new InvalidDataException(
                    $"Product {stored.ProductId} has a {stored.Vector.Length}-d vector; the catalog's model makes {dimension}-d vectors. Run `lookbook reindex --force`.");
            }

            index.Upsert(stored.ProductId, project is null ? stored.Vector : project(stored.Vector));
        }

        return new CatalogSnapshot(database.ReadAllProducts(), index);
    }
}

namespace Lookbook.Index;

/// <summary>
/// The space an index's vectors live in: the catalog's stored vectors (<see cref="SourceDimension"/>-d), optionally
/// mapped by <see cref="Project"/> (a trained head's learned layer) to <see cref="Dimension"/>-d vectors.
/// </summary>
/// <param name="Id">Identifies the space (model fingerprint, plus the head when vectors are projected): an index saved
/// for another space is rebuilt.</param>
public sealed record IndexSpace(string Id, int SourceDimension, int Dimension, Func<float[], float[]>? Project = null)
{
    /// <summary>A stored vector in this space; throws when it does not have the catalog's dimension.</summary>
    public float[] Map(StoredVector stored)
    {
        if (stored.Vector.Length != SourceDimension)
        {
            throw new InvalidDataException(
                $"Product {stored.ProductId} has a {stored.Vector.Length}-d vector; the catalog's model makes {SourceDimension}-d vectors. Run `lookbook reindex --force`.");
        }

        return Project is null ? stored.Vector : Project(stored.Vector);
    }
}

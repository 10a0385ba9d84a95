namespace Lookbook.Catalog.Storage;

/// <summary>What a copy moved, and what it checked.</summary>
public sealed record CatalogCopyReport(int Products, int Vectors, int Users, int Events, TimeSpan Elapsed);

/// <summary>
/// Copies a whole catalog into an empty store — a single machine's SQLite file into the PostgreSQL database a cluster
/// shares (<c>lookbook migrate --to postgres</c>): the embedding profile, products with their images and vectors (in
/// batches, each one transaction), shoppers and their events (popularity follows from the events). Then checks that
/// the counts match and that every vector reads back bit for bit. Import runs stay with the source: they are its history.
/// </summary>
public static class CatalogCopier
{
    private const int Batch = 500;

    /// <exception cref="InvalidOperationException">The target already holds products, or the copy does not read back the same.</exception>
    public static CatalogCopyReport Copy(CatalogDatabase source, CatalogDatabase target, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        if (target.GetStats().Products > 0)
        {
            throw new InvalidOperationException($"The target catalog at {target.Location} already holds products: copy into an empty one.");
        }

        if (source.GetEmbeddingProfile() is { } profile)
        {
            target.EnsureEmbeddingProfile(profile);
        }

        var vectors = source.ReadVectors(cancellationToken).ToDictionary(v => v.ProductId, v => v.Vector, StringComparer.Ordinal);
        var products = 0;
        foreach (var batch in source.ReadProductRecords(cancellationToken).Chunk(Batch))
        {
            target.SaveProducts([.. batch.Select(p => (p, vectors.GetValueOrDefault(p.Id)))]);
            products += batch.Length;
            progress?.Report($"{products:N0} products copied");
        }

        var users = source.ReadUsers();
        target.AddUsers(users);
        var events = 0;
        foreach (var user in users)
        {
            foreach (var e in source.GetEvents(user.Id))
            {
                target.AddEvent(user.Id, e.ProductId, e.Kind, e.At);
                events++;
            }
        }

        Check(source, target, vectors, cancellationToken);
        return new CatalogCopyReport(products, vectors.Count, users.Count, events, started.Elapsed);
    }

    private static void Check(CatalogDatabase source, CatalogDatabase target, Dictionary<string, float[]> vectors, CancellationToken cancellationToken)
    {
        var (from, to) = (source.GetStats(), target.GetStats());
        if (from.Products != to.Products || from.Embedded != to.Embedded || !from.Categories.SequenceEqual(to.Categories))
        {
            throw new InvalidOperationException(
                $"The copy does not match: {to.Products:N0} products and {to.Embedded:N0} vectors in {target.Location}, {from.Products:N0} and {from.Embedded:N0} in {source.Location}.");
        }

        foreach (var stored in target.ReadVectors(cancellationToken))
        {
            if (!vectors.TryGetValue(stored.ProductId, out var original) || !original.AsSpan().SequenceEqual(stored.Vector))
            {
                throw new InvalidOperationException($"The vector of {stored.ProductId} did not read back the same from {target.Location}.");
            }
        }

        if (!source.Popularity().OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(target.Popularity().OrderBy(p => p.Key, StringComparer.Ordinal)))
        {
            throw new InvalidOperationException($"The shoppers' events did not add up to the same popularity in {target.Location}.");
        }
    }
}

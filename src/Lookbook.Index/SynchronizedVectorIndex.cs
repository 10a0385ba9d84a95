namespace Lookbook.Index;

/// <summary>
/// Makes an index safe to update while it is searched: searches share a read lock, each write batch takes the
/// write lock for just that batch. A catalog that changes by a few products (a delete, an import's batch) is
/// updated in place this way, and searches wait at most for one batch, never for a rebuild.
/// </summary>
public sealed class SynchronizedVectorIndex(IVectorIndex inner) : IVectorIndex
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private bool _disposed;

    /// <summary>The wrapped index (for reading its kind-specific properties under <see cref="Read{T}"/>).</summary>
    public IVectorIndex Inner => inner;

    public int Dimension => inner.Dimension;

    public int Count => Read(index => index.Count);

    public IReadOnlyCollection<string> Keys => Read(index => (IReadOnlyCollection<string>)[.. index.Keys]);

    public void Upsert(string key, ReadOnlySpan<float> vector)
    {
        var copy = vector.ToArray();
        Write(index => index.Upsert(key, copy));
    }

    /// <summary>Upserts <paramref name="items"/> in one write batch (HNSW inserts them on all cores).</summary>
    public void UpsertMany(IReadOnlyList<(string Key, float[] Vector)> items) => Write(index =>
    {
        if (index is HnswVectorIndex graph)
        {
            graph.UpsertMany(items);
        }
        else
        {
            foreach (var (key, vector) in items)
            {
                index.Upsert(key, vector);
            }
        }
    });

    public float[]? Get(string key) => Read(index => index.Get(key));

    public bool Remove(string key) => Write(index => index.Remove(key));

    public IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, Func<string, bool>? filter = null)
    {
        using var reading = Reading();
        return inner.Search(query, k, filter);
    }

    /// <summary>Runs <paramref name="read"/> while no write is in progress (searches may run alongside).</summary>
    public T Read<T>(Func<IVectorIndex, T> read)
    {
        using var reading = Reading();
        return read(inner);
    }

    /// <summary>Runs <paramref name="read"/> while no write is in progress (searches may run alongside).</summary>
    public void Read(Action<IVectorIndex> read) => Read(index =>
    {
        read(index);
        return true;
    });

    private void Write(Action<IVectorIndex> write) => Write(index =>
    {
        write(index);
        return true;
    });

    private T Write<T>(Func<IVectorIndex, T> write)
    {
        _lock.EnterWriteLock();
        using var writing = new Held(_lock, write: true);
        return write(inner);
    }

    private Held Reading()
    {
        _lock.EnterReadLock();
        return new Held(_lock, write: false);
    }

    // Leaves the lock on dispose; a struct, so the search path allocates nothing for it.
    private readonly struct Held(ReaderWriterLockSlim gate, bool write) : IDisposable
    {
        public void Dispose()
        {
            if (write)
            {
                gate.ExitWriteLock();
            }
            else
            {
                gate.ExitReadLock();
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        inner.Dispose();
        _lock.Dispose();
    }
}

using System.Numerics.Tensors;

namespace Lookbook.Index;

/// <summary>
/// Brute-force cosine search: every vector is compared with the query using SIMD dot products.
/// Exact by construction, so it is also the reference that approximate indexes are measured against.
/// </summary>
/// <remarks>Vectors live in one contiguous growable array so a scan streams memory linearly.
/// Not thread-safe for writes; concurrent searches are safe when no write is in progress.</remarks>
public sealed class ExactVectorIndex : IVectorIndex
{
    private readonly Dictionary<string, int> _rowOfKey = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];
    private float[] _rows;

    public ExactVectorIndex(int dimension, int initialCapacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Dimension = dimension;
        _rows = new float[dimension * Math.Max(1, initialCapacity)];
    }

    public int Dimension { get; }

    public int Count => _keys.Count;

    public IReadOnlyCollection<string> Keys => _keys;

    public void Upsert(string key, ReadOnlySpan<float> vector)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (vector.Length != Dimension)
        {
            throw new ArgumentException($"Vector has {vector.Length} dimensions; the index holds {Dimension}.", nameof(vector));
        }

        if (!_rowOfKey.TryGetValue(key, out var row))
        {
            row = _keys.Count;
            EnsureCapacity(row + 1);
            _keys.Add(key);
            _rowOfKey[key] = row;
        }

        vector.CopyTo(_rows.AsSpan(row * Dimension, Dimension));
    }

    public float[]? Get(string key) =>
        _rowOfKey.TryGetValue(key, out var row) ? _rows.AsSpan(row * Dimension, Dimension).ToArray() : null;

    public bool Remove(string key)
    {
        if (!_rowOfKey.Remove(key, out var row))
        {
            return false;
        }

        // Move the last row into the hole so rows stay contiguous.
        var last = _keys.Count - 1;
        if (row != last)
        {
            _rows.AsSpan(last * Dimension, Dimension).CopyTo(_rows.AsSpan(row * Dimension, Dimension));
            var movedKey = _keys[last];
            _keys[row] = movedKey;
            _rowOfKey[movedKey] = row;
        }

        _keys.RemoveAt(last);
        return true;
    }

    public IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, Func<string, bool>? filter = null)
    {
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"Query has {query.Length} dimensions; the index holds {Dimension}.", nameof(query));
        }

        if (k <= 0 || _keys.Count == 0)
        {
            return [];
        }

        var top = new TopK(k);
        var rows = _rows.AsSpan(0, _keys.Count * Dimension);
        for (var row = 0; row < _keys.Count; row++)
        {
            var score = TensorPrimitives.Dot(query, rows.Slice(row * Dimension, Dimension));
            if (top.WouldAccept(score) && (filter is null || filter(_keys[row])))
            {
                top.Add(row, score);
            }
        }

        return top.ToSortedList(row => _keys[row]);
    }

    /// <summary>Nothing native to free: the rows are managed memory.</summary>
    public void Dispose()
    {
    }

    private void EnsureCapacity(int rows)
    {
        if (rows * Dimension <= _rows.Length)
        {
            return;
        }

        Array.Resize(ref _rows, Math.Max(rows * Dimension, _rows.Length * 2));
    }
}

using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace Lookbook.Index;

/// <summary>
/// Approximate cosine search over an HNSW graph (USearch). Product ids map to dense 64-bit keys that this
/// class assigns, so there are no hash collisions and the key table is a plain array; the table is saved
/// beside the graph (see <see cref="Save"/>).
/// </summary>
/// <remarks>Searches are safe from any number of threads; writes are not thread-safe with each other or with
/// searches (<see cref="UpsertMany"/> parallelises internally). Replaced or removed vectors leave their graph
/// slot unused until the index is rebuilt.</remarks>
public sealed unsafe class HnswVectorIndex : IVectorIndex
{
    private readonly UsearchHandle _native;
    private readonly HnswOptions _options;
    private readonly Dictionary<string, ulong> _keyOfId = new(StringComparer.Ordinal);
    private string?[] _idOfKey;
    private ulong _nextKey;
    private long _capacity;

    private HnswVectorIndex(UsearchHandle native, int dimension, HnswOptions options, string?[] idOfKey, ulong nextKey)
    {
        _native = native;
        _options = options;
        Dimension = dimension;
        _idOfKey = idOfKey;
        _nextKey = nextKey;
        for (var key = 0UL; key < nextKey; key++)
        {
            if (idOfKey[key] is { } id)
            {
                _keyOfId[id] = key;
            }
        }

        _capacity = (long)UsearchNative.Capacity(native, out var error);
        UsearchNative.Check(error, "capacity");
        ApplyLimits();
    }

    /// <summary>An empty index of <paramref name="dimension"/>-d vectors.</summary>
    public static HnswVectorIndex Create(int dimension, HnswOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Validate(options);
        var native = UsearchHandle.Create(InitOptionsFor(dimension, options));
        return new HnswVectorIndex(native, dimension, options, new string?[1024], 0);
    }

    /// <summary>Loads an index written by <see cref="Save"/>; throws <see cref="InvalidDataException"/> when the files do not belong together.</summary>
    public static HnswVectorIndex Load(string path, int dimension, HnswOptions options)
    {
        Validate(options);
        var (idOfKey, nextKey) = KeyTable.Read(KeyTable.PathFor(path));
        var native = UsearchHandle.Create(InitOptionsFor(dimension, options));
        UsearchNative.Load(native, path, out var error);
        UsearchNative.Check(error, $"load of {path}");
        var stored = (int)UsearchNative.Dimensions(native, out error);
        UsearchNative.Check(error, "dimensions");
        if (stored != dimension)
        {
            throw new InvalidDataException($"{path} holds {stored}-d vectors; the catalog has {dimension}-d vectors.");
        }

        var index = new HnswVectorIndex(native, dimension, options, idOfKey, nextKey);
        if (index.NativeSize != index.Count)
        {
            throw new InvalidDataException($"{path} holds {index.NativeSize} vectors but its key table lists {index.Count}.");
        }

        return index;
    }

    public int Dimension { get; }

    /// <summary>How the graph was built and is searched.</summary>
    public HnswOptions Options => _options;

    public int Count => _keyOfId.Count;

    /// <summary>Graph slots left by removed or replaced vectors (reclaimed only by a rebuild).</summary>
    public long UnusedSlots => (long)_nextKey - Count;

    /// <summary>The product ids in the index.</summary>
    public IReadOnlyCollection<string> Keys => _keyOfId.Keys;

    /// <summary>Bytes held by the native graph and vectors (the key table is managed memory on top).</summary>
    public long NativeMemoryBytes
    {
        get
        {
            var bytes = (long)UsearchNative.MemoryUsage(_native, out var error);
            UsearchNative.Check(error, "memory usage");
            return bytes;
        }
    }

    private long NativeSize
    {
        get
        {
            var size = (long)UsearchNative.Size(_native, out var error);
            UsearchNative.Check(error, "size");
            return size;
        }
    }

    /// <summary>Changes the search expansion (ef) of this instance: the recall/speed dial, cheap to turn.</summary>
    public void ChangeExpansionSearch(int expansion)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(expansion, 8);
        UsearchNative.ChangeExpansionSearch(_native, (nuint)expansion, out var error);
        UsearchNative.Check(error, "expansion");
    }

    public void Upsert(string key, ReadOnlySpan<float> vector)
    {
        CheckDimension(vector.Length);
        EnsureCapacity(Count + 1);
        Add(AssignKey(key), vector);
    }

    /// <summary>Adds or replaces many vectors, inserting on <see cref="HnswOptions.BuildThreads"/> threads once the batch and graph are large.</summary>
    public void UpsertMany(IReadOnlyList<(string Id, float[] Vector)> items)
    {
        foreach (var (_, vector) in items)
        {
            CheckDimension(vector.Length);
        }

        // An id twice in one batch: the last vector wins (two would both be inserted, one under a key already dropped).
        var latest = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            latest[items[i].Id] = i;
        }

        if (latest.Count < items.Count)
        {
            items = [.. latest.Values.Order().Select(i => items[i])];
        }

        EnsureCapacity(Count + items.Count);
        var keys = new ulong[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            keys[i] = AssignKey(items[i].Id);
        }

        // Concurrent inserts into USearch 2.26 can strand a node that its neighbours never link back to
        // (unum-cloud/USearch#735, fix not released): measured on real embeddings, a vector then misses itself as
        // nearest neighbour for 0.2 % of a 500-product catalog on 2 threads (never on 1), and 0.1 % instead of
        // 0.04 % of 100,000. Threads only pay off for large batches, so a small batch, and the first nodes of any
        // graph, go in one at a time: small catalogs and live catch-ups get the sequential, reproducible graph.
        var sequential = items.Count < SequentialBelow ? items.Count : (int)Math.Clamp(SequentialBelow - NativeSize, 0, items.Count);
        for (var i = 0; i < sequential; i++)
        {
            Add(keys[i], items[i].Vector);
        }

        Parallel.For(sequential, items.Count, new ParallelOptions { MaxDegreeOfParallelism = _options.BuildThreads }, i => Add(keys[i], items[i].Vector));
    }

    /// <summary>Batches smaller than this, and a graph's first nodes up to this count, are inserted on one thread.</summary>
    private const int SequentialBelow = 1024;

    public float[]? Get(string key)
    {
        if (!_keyOfId.TryGetValue(key, out var native))
        {
            return null;
        }

        var vector = new float[Dimension];
        fixed (float* target = vector)
        {
            var found = UsearchNative.Get(_native, native, 1, target, ScalarKind.Float32, out var error);
            UsearchNative.Check(error, "get");
            return found == 0 ? null : vector;
        }
    }

    public bool Remove(string key)
    {
        if (!_keyOfId.Remove(key, out var native))
        {
            return false;
        }

        UsearchNative.Remove(_native, native, out var error);
        UsearchNative.Check(error, "remove");
        _idOfKey[native] = null;
        return true;
    }

    public IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, Func<string, bool>? filter = null)
    {
        CheckDimension(query.Length);
        k = Math.Min(k, Count);
        if (k <= 0)
        {
            return [];
        }

        var keys = new ulong[k];
        var distances = new float[k];
        nuint found;
        nint error;
        fixed (float* q = query)
        fixed (ulong* keyOut = keys)
        fixed (float* distanceOut = distances)
        {
            if (filter is null)
            {
                found = UsearchNative.Search(_native, q, ScalarKind.Float32, (nuint)k, keyOut, distanceOut, out error);
            }
            else
            {
                var state = GCHandle.Alloc(new FilterState(_idOfKey, filter));
                try
                {
                    found = UsearchNative.FilteredSearch(
                        _native, q, ScalarKind.Float32, (nuint)k, &AcceptKey, GCHandle.ToIntPtr(state), keyOut, distanceOut, out error);
                }
                finally
                {
                    state.Free();
                }
            }
        }

        UsearchNative.Check(error, "search");
        // USearch's cosine normalises the query; the contract is its dot product with the stored unit vectors, which a
        // query scaled on purpose relies on (TrainedHead.ToQuerySpace weighs a photo's raw and projected halves so).
        var queryNorm = TensorPrimitives.Norm(query);
        var hits = new List<VectorHit>((int)found);
        for (var i = 0; i < (int)found; i++)
        {
            if (_idOfKey[keys[i]] is { } id)
            {
                hits.Add(new VectorHit(id, (1f - distances[i]) * queryNorm));
            }
        }

        return hits;
    }

    /// <summary>Frees the native graph now rather than at finalisation (its memory is invisible to the GC).</summary>
    public void Dispose() => _native.Dispose();

    /// <summary>
    /// Writes the graph to <paramref name="path"/> and the key table to <c>path.keys</c>, each through a temporary
    /// file and a rename, so a crash leaves either the old pair or the new one (the manifest written last tells).
    /// </summary>
    public void Save(string path)
    {
        // Temporary names of this process: a server and a CLI catching up with the same catalog must not share one.
        var suffix = $".{Environment.ProcessId}.tmp";
        var temporary = path + suffix;
        UsearchNative.Save(_native, temporary, out var error);
        UsearchNative.Check(error, $"save to {temporary}");
        KeyTable.Write(KeyTable.PathFor(path) + suffix, _idOfKey, _nextKey);
        File.Move(temporary, path, overwrite: true);
        File.Move(KeyTable.PathFor(path) + suffix, KeyTable.PathFor(path), overwrite: true);
    }

    private void Add(ulong key, ReadOnlySpan<float> vector)
    {
        fixed (float* v = vector)
        {
            UsearchNative.Add(_native, key, v, ScalarKind.Float32, out var error);
            UsearchNative.Check(error, "add");
        }
    }

    /// <summary>A fresh key for the id; a replaced vector is removed from the graph first.</summary>
    private ulong AssignKey(string id)
    {
        if (_keyOfId.Remove(id, out var previous))
        {
            UsearchNative.Remove(_native, previous, out var error);
            UsearchNative.Check(error, "remove");
            _idOfKey[previous] = null;
        }

        var key = _nextKey++;
        if (key >= (ulong)_idOfKey.Length)
        {
            Array.Resize(ref _idOfKey, Math.Max(_idOfKey.Length * 2, (int)key + 1));
        }

        _idOfKey[key] = id;
        _keyOfId[id] = key;
        return key;
    }

    private void EnsureCapacity(long members)
    {
        // Removed vectors keep their slots, so the graph needs room for every key ever assigned.
        var needed = (long)_nextKey + (members - Count);
        if (needed <= _capacity)
        {
            return;
        }

        _capacity = Math.Max(needed, Math.Max(1024, _capacity * 2));
        UsearchNative.Reserve(_native, (nuint)_capacity, out var error);
        UsearchNative.Check(error, "reserve");
        ApplyLimits();
    }

    private void ApplyLimits()
    {
        UsearchNative.ChangeThreadsAdd(_native, (nuint)_options.BuildThreads, out var error);
        UsearchNative.Check(error, "thread limit");
        UsearchNative.ChangeThreadsSearch(_native, (nuint)_options.SearchThreads, out error);
        UsearchNative.Check(error, "thread limit");
        UsearchNative.ChangeExpansionSearch(_native, (nuint)_options.ExpansionSearch, out error);
        UsearchNative.Check(error, "expansion");
    }

    private void CheckDimension(int length)
    {
        if (length != Dimension)
        {
            throw new ArgumentException($"Vector has {length} dimensions; the index holds {Dimension}.");
        }
    }

    private static void Validate(HnswOptions options)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }
    }

    private static UsearchNative.InitOptions InitOptionsFor(int dimension, HnswOptions options) => new()
    {
        MetricKind = (int)MetricKind.Cos,
        Quantization = (int)options.ScalarKind,
        Dimensions = (nuint)dimension,
        Connectivity = (nuint)options.Connectivity,
        ExpansionAdd = (nuint)options.ExpansionAdd,
        ExpansionSearch = (nuint)options.ExpansionSearch,
    };

    // Called by USearch for each candidate of a filtered search; an exception must not cross into native code.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int AcceptKey(ulong key, nint state)
    {
        try
        {
            var filter = (FilterState)GCHandle.FromIntPtr(state).Target!;
            return key < (ulong)filter.IdOfKey.Length && filter.IdOfKey[key] is { } id && filter.Accepts(id) ? 1 : 0;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    private sealed record FilterState(string?[] IdOfKey, Func<string, bool> Accepts);
}

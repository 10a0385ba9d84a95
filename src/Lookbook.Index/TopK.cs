namespace Lookbook.Index;

/// <summary>Keeps the k highest scores seen so far with a min-heap (O(n log k) for n candidates).</summary>
internal sealed class TopK(int k)
{
    private readonly PriorityQueue<int, (float Score, int Row)> _heap = new(k + 1, Comparer.Instance);

    public bool WouldAccept(float score) =>
        _heap.Count < k || (_heap.TryPeek(out _, out var worst) && score > worst.Score);

    public void Add(int row, float score)
    {
        if (_heap.Count < k)
        {
            _heap.Enqueue(row, (score, row));
        }
        else
        {
            _heap.EnqueueDequeue(row, (score, row));
        }
    }

    public IReadOnlyList<VectorHit> ToSortedList(Func<int, string> keyOfRow)
    {
        var hits = new VectorHit[_heap.Count];
        for (var i = hits.Length - 1; i >= 0; i--)
        {
            _heap.TryDequeue(out var row, out var priority);
            hits[i] = new VectorHit(keyOfRow(row), priority.Score);
        }

        return hits;
    }

    // Lower score is "smaller" so the heap's root is the current worst; ties break on the later row
    // so that, among equal scores, earlier rows win and results are deterministic.
    private sealed class Comparer : IComparer<(float Score, int Row)>
    {
        public static readonly Comparer Instance = new();

        public int Compare((float Score, int Row) x, (float Score, int Row) y)
        {
            var byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : y.Row.CompareTo(x.Row);
        }
    }
}

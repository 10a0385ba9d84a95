using Microsoft.Extensions.Options;

namespace Lookbook.Cluster;

/// <summary>The merged answer of the shards: the top k over all of them, and which shards did not answer in time.</summary>
/// <param name="MissingShards">Shards that timed out or failed: the answer is partial, and says so.</param>
public sealed record ClusterAnswer(IReadOnlyList<ShardHit> Hits, IReadOnlyList<int> MissingShards, IReadOnlyDictionary<int, string> Failures)
{
    public bool IsPartial => MissingShards.Count > 0;
}

/// <summary>
/// A search over the whole cluster: the query (embedded once, by the caller) goes to every shard in parallel with a
/// deadline; their top k lists are merged (similarity, then product id, so equal scores rank the same on every run).
/// A shard that fails is asked once more within the deadline (its silo was leaving); one that does not answer in time,
/// or fails again, is named in the answer — never silently left out.
/// </summary>
public sealed class ClusterSearch(IGrainFactory grains, IOptions<ClusterOptions> options)
{
    /// <summary>
    /// Activates every shard (each loads its part of the catalog) so that the first searches do not wait for the loads;
    /// returns how many products the shards hold together. Shards that fail to load are left to the searches to report.
    /// </summary>
    public async Task<int> PrepareAsync(CancellationToken cancellationToken = default)
    {
        var shards = options.Value.Shards;
        var sizes = await Task.WhenAll(Enumerable.Range(0, shards).Select(s => grains.GetGrain<IShardGrain>(s).PrepareAsync(shards))).WaitAsync(cancellationToken).ConfigureAwait(false);
        return sizes.Sum();
    }

    public async Task<ClusterAnswer> SearchAsync(
        float[] vector, int k, string? category = null, IReadOnlyDictionary<string, string>? attributes = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var shards = options.Value.Shards;
        var query = new ShardQuery(vector, k, shards, category, attributes is null ? null : new Dictionary<string, string>(attributes));
        var asked = Enumerable.Range(0, shards).Select(s => grains.GetGrain<IShardGrain>(s).SearchAsync(query)).ToArray();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.ShardTimeout);
        try
        {
            await Task.WhenAll(asked).WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Some shard failed or the deadline passed: merge what did answer and name the rest.
        }

        // A shard whose silo was leaving (a rolling restart) or has just been declared dead fails at once, and its grain
        // activates on a live silo when called again: ask those once more, within the same deadline.
        var failed = Enumerable.Range(0, shards).Where(s => asked[s].IsFaulted).ToList();
        if (failed.Count > 0 && !deadline.IsCancellationRequested)
        {
            foreach (var s in failed)
            {
                asked[s] = grains.GetGrain<IShardGrain>(s).SearchAsync(query);
            }

            try
            {
                await Task.WhenAll(failed.Select(s => asked[s])).WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Still failing or out of time: named below.
            }
        }

        var hits = new List<ShardHit>(k * shards);
        var missing = new List<int>();
        var failures = new Dictionary<int, string>();
        for (var s = 0; s < shards; s++)
        {
            if (asked[s].IsCompletedSuccessfully)
            {
                hits.AddRange(asked[s].Result.Hits);
            }
            else
            {
                missing.Add(s);
                failures[s] = asked[s].IsFaulted ? asked[s].Exception!.GetBaseException().Message : $"no answer within {options.Value.ShardTimeout.TotalMilliseconds:F0} ms";
            }
        }

        var merged = hits.OrderByDescending(h => h.Similarity).ThenBy(h => h.ProductId, StringComparer.Ordinal).Take(k).ToList();
        return new ClusterAnswer(merged, missing, failures);
    }
}

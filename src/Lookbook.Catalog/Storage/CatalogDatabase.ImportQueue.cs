using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Lookbook.Catalog.Sources;

namespace Lookbook.Catalog.Storage;

/// <summary>The progress of a distributed import run.</summary>
/// <param name="Batches">How many batches the run has; null while the coordinator is still queuing them.</param>
/// <param name="Done">Batches completed by a worker.</param>
/// <param name="Status">queued, then completed once every batch is done.</param>
public sealed record QueuedRunProgress(long RunId, string Status, int? Batches, int Done, ImportRunCounts Counts);

/// <summary>
/// The work queue of a distributed import (PostgreSQL only: several processes take work from it at once). A coordinator
/// queues a source's entries in batches; workers take a batch with <c>FOR UPDATE SKIP LOCKED</c> and complete it in the
/// transaction that holds its lock, together with the products it writes. A worker that dies mid-batch drops its
/// connection, PostgreSQL rolls its writes back and releases the lock, and the batch is taken again: no product is
/// written twice, none is lost, and the run's counts stay exact.
/// </summary>
public sealed partial class CatalogDatabase
{
    private static readonly JsonSerializerOptions QueueJson = new(JsonSerializerDefaults.Web);

    /// <summary>Whether this catalog can hold a distributed import's work queue (PostgreSQL).</summary>
    public bool SupportsImportQueue => _dialect is PostgresDialect;

    /// <summary>Starts a run whose batches workers will do; the coordinator then adds them and calls <see cref="SealRun"/>.</summary>
    public long StartQueuedRun(string source)
    {
        EnsureImportQueue();
        using var connection = Connect();
        return connection.ExecuteScalar<long>(
            "INSERT INTO import_runs(source, started_at, status, pid, host) VALUES (@source, @now, 'queued', @pid, @host) RETURNING id",
            new { source, now = Now(), pid = Environment.ProcessId, host = Environment.MachineName });
    }

    /// <summary>Queues one batch of source entries (committed at once: workers may start on it while more are queued).</summary>
    public void EnqueueBatch(long runId, int batchNo, IReadOnlyList<SourceItem> items)
    {
        using var connection = Connect();
        connection.Execute(
            "INSERT INTO import_queue(run_id, batch_no, items) VALUES (@runId, @batchNo, @items)",
            new { runId, batchNo, items = JsonSerializer.Serialize(items, QueueJson) });
    }

    /// <summary>
    /// Closes the queue of a run: <paramref name="batches"/> were queued, and the coordinator's own findings (entries
    /// it skipped) are recorded as batch 0, done. The run can be finished from now on.
    /// </summary>
    public void SealRun(long runId, int batches, IReadOnlyCollection<ImportIssue> entryIssues)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        InsertIssues(connection, transaction, runId, entryIssues);
        connection.Execute(
            "INSERT INTO import_queue(run_id, batch_no, items, status, worker, done_at, skipped) VALUES (@runId, 0, '[]', 'done', @host, @now, @skipped)",
            new { runId, host = Environment.MachineName, now = Now(), skipped = entryIssues.Count }, transaction);
        connection.Execute("UPDATE import_runs SET batches = @batches WHERE id = @runId", new { runId, batches }, transaction);
        transaction.Commit();
        TryFinishQueuedRun(runId);
    }

    /// <summary>
    /// Takes the oldest pending batch no other worker holds, or returns null. The batch stays locked (and this
    /// connection open) until the lease completes it or is disposed, which puts it back.
    /// </summary>
    public ImportBatchLease? TryTakeImportBatch(string worker)
    {
        EnsureImportQueue();
        var connection = Connect();
        DbTransaction? transaction = null;
        try
        {
            transaction = connection.BeginTransaction();
            var row = connection.QuerySingleOrDefault<(long RunId, int BatchNo, string Source, string Items)?>(
                """
                SELECT q.run_id, q.batch_no, r.source, q.items FROM import_queue q JOIN import_runs r ON r.id = q.run_id
                WHERE q.status = 'pending' ORDER BY q.run_id, q.batch_no LIMIT 1 FOR UPDATE OF q SKIP LOCKED
                """,
                transaction: transaction);
            if (row is not { } taken)
            {
                transaction.Dispose();
                connection.Dispose();
                return null;
            }

            var items = JsonSerializer.Deserialize<List<SourceItem>>(taken.Items, QueueJson) ?? [];
            var ids = items.Select(i => i.ProductId).ToArray();
            var states = ItemStates(connection, transaction, $"WHERE {_dialect.In("p.id", "@ids")}", new { ids }, CancellationToken.None);
            return new ImportBatchLease(this, connection, transaction, worker, taken.RunId, taken.BatchNo, taken.Source, items, states);
        }
        catch
        {
            transaction?.Dispose();
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Marks the run completed with the sum of its batches' counts once every batch is done; returns its progress.</summary>
    public QueuedRunProgress? TryFinishQueuedRun(long runId)
    {
        using var connection = Connect();
        // After each commit of a batch: the worker that commits the last one sees all others done.
        connection.Execute(
            """
            UPDATE import_runs SET status = 'completed', finished_at = @now,
                   added = s.added, updated = s.updated, unchanged = s.unchanged, skipped = s.skipped
            FROM (SELECT SUM(added) AS added, SUM(updated) AS updated, SUM(unchanged) AS unchanged, SUM(skipped) AS skipped,
                         COUNT(*) FILTER (WHERE status = 'done' AND batch_no > 0) AS done
                  FROM import_queue WHERE run_id = @runId) s
            WHERE import_runs.id = @runId AND import_runs.status = 'queued' AND import_runs.batches IS NOT NULL
              AND s.done = import_runs.batches
            """,
            new { runId, now = Now() });
        // Pending batches count nothing yet (their counts are 0 until done); batch 0 is the coordinator's own findings.
        return connection.QuerySingleOrDefault<(long Id, string Status, int? Batches, long Done, long Added, long Updated, long Unchanged, long Skipped)?>(
            """
            SELECT r.id, r.status, r.batches,
                   COUNT(q.batch_no) FILTER (WHERE q.status = 'done' AND q.batch_no > 0),
                   COALESCE(SUM(q.added), 0), COALESCE(SUM(q.updated), 0), COALESCE(SUM(q.unchanged), 0), COALESCE(SUM(q.skipped), 0)
            FROM import_runs r LEFT JOIN import_queue q ON q.run_id = r.id
            WHERE r.id = @runId
            GROUP BY r.id, r.status, r.batches
            """,
            new { runId }) is { } p
            ? new QueuedRunProgress(p.Id, p.Status, p.Batches, (int)p.Done, new ImportRunCounts((int)p.Added, (int)p.Updated, (int)p.Unchanged, (int)p.Skipped, 0))
            : null;
    }

    /// <summary>The issues recorded for a run (what was skipped and why).</summary>
    public IReadOnlyList<ImportIssue> GetRunIssues(long runId)
    {
        using var connection = Connect();
        return [.. connection.Query<ImportIssue>("SELECT item AS Item, problem AS Problem, message AS Message FROM import_issues WHERE run_id = @runId ORDER BY item", new { runId })];
    }

    internal static void CompleteBatch(
        DbConnection connection, DbTransaction transaction, ImportBatchLease lease, QueuedBatchResult result)
    {
        SaveProducts(connection, transaction, result.Products);
        UpdateMetadata(connection, transaction, result.Metadata);
        InsertIssues(connection, transaction, lease.RunId, result.Issues);
        var counts = result.Counts;
        connection.Execute(
            """
            UPDATE import_queue SET status = 'done', worker = @worker, done_at = @now,
                   added = @Added, updated = @Updated, unchanged = @Unchanged, skipped = @Skipped
            WHERE run_id = @runId AND batch_no = @batchNo
            """,
            new { worker = lease.Worker, now = Now(), counts.Added, counts.Updated, counts.Unchanged, counts.Skipped, runId = lease.RunId, batchNo = lease.BatchNo },
            transaction);
        transaction.Commit();
    }

    private static void InsertIssues(DbConnection connection, DbTransaction transaction, long runId, IReadOnlyCollection<ImportIssue> issues)
    {
        if (issues.Count > 0)
        {
            connection.Execute(
                "INSERT INTO import_issues(run_id, item, problem, message) VALUES (@runId, @Item, @Problem, @Message)",
                issues.Select(i => new { runId, i.Item, i.Problem, i.Message }),
                transaction);
        }
    }

    private void EnsureImportQueue()
    {
        if (!SupportsImportQueue)
        {
            throw new InvalidOperationException(
                $"A distributed import needs the catalog in PostgreSQL ({StorageOptions.SectionName}:Provider = Postgres): {Location} is a SQLite file, which one process imports alone.");
        }
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>What a worker made of a batch: products to write (with new vectors), metadata-only changes, counts, issues.</summary>
public sealed record QueuedBatchResult(
    IReadOnlyList<(ProductRecord Product, float[]? Vector)> Products,
    IReadOnlyList<ProductMetadata> Metadata,
    ImportRunCounts Counts,
    IReadOnlyList<ImportIssue> Issues);

/// <summary>
/// A batch taken from the import queue: its entries and the stored state of their products. <see cref="Complete"/>
/// writes the batch's products and marks it done in one transaction; disposing without completing puts it back.
/// </summary>
public sealed class ImportBatchLease : IDisposable
{
    private readonly CatalogDatabase _database;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private bool _completed;

    internal ImportBatchLease(
        CatalogDatabase database, DbConnection connection, DbTransaction transaction, string worker, long runId, int batchNo, string source,
        IReadOnlyList<SourceItem> items, IReadOnlyDictionary<string, StoredItemState> states)
    {
        (_database, _connection, _transaction) = (database, connection, transaction);
        (Worker, RunId, BatchNo, Source, Items, States) = (worker, runId, batchNo, source, items, states);
    }

    public string Worker { get; }

    public long RunId { get; }

    public int BatchNo { get; }

    /// <summary>The source's name (what its products are recorded as coming from).</summary>
    public string Source { get; }

    public IReadOnlyList<SourceItem> Items { get; }

    /// <summary>The stored state of those of <see cref="Items"/> the catalog already has, by product id.</summary>
    public IReadOnlyDictionary<string, StoredItemState> States { get; }

    public void Complete(QueuedBatchResult result)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        CatalogDatabase.CompleteBatch(_connection, _transaction, this, result);
        _completed = true;
        _database.TryFinishQueuedRun(RunId);
    }

    public void Dispose()
    {
        _transaction.Dispose(); // rolls back unless completed: the batch is pending again
        _connection.Dispose();
    }
}

using System.Globalization;
using Dapper;

namespace Lookbook.Catalog.Storage;

/// <summary>The record of import runs and the items they skipped.</summary>
public sealed partial class CatalogDatabase
{
    public long StartRun(string source)
    {
        using var connection = Connect();
        return connection.ExecuteScalar<long>(
            "INSERT INTO import_runs(source, started_at, status) VALUES (@source, @now, 'running') RETURNING id",
            new { source, now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) });
    }

    public void RecordIssues(long runId, IReadOnlyCollection<ImportIssue> issues)
    {
        if (issues.Count == 0)
        {
            return;
        }

        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        connection.Execute(
            "INSERT INTO import_issues(run_id, item, problem, message) VALUES (@runId, @Item, @Problem, @Message)",
            issues.Select(i => new { runId, i.Item, i.Problem, i.Message }),
            transaction);
        transaction.Commit();
    }

    public void FinishRun(long runId, string status, ImportRunCounts counts)
    {
        using var connection = Connect();
        connection.Execute(
            """
            UPDATE import_runs SET finished_at = @now, status = @status, added = @Added, updated = @Updated,
                   unchanged = @Unchanged, skipped = @Skipped, removed = @Removed
            WHERE id = @runId
            """,
            new
            {
                runId, status, counts.Added, counts.Updated, counts.Unchanged, counts.Skipped, counts.Removed,
                now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            });
    }

    /// <summary>Problems recorded for a run (for reports and tests).</summary>
    public IReadOnlyList<ImportIssue> GetIssues(long runId)
    {
        using var connection = Connect();
        return connection.Query<ImportIssue>(
            "SELECT item AS Item, problem AS Problem, message AS Message FROM import_issues WHERE run_id = @runId ORDER BY rowid",
            new { runId }).ToList();
    }
}

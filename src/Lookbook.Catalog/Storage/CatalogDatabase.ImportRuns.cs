using System.Globalization;
using Dapper;

namespace Lookbook.Catalog.Storage;

/// <summary>The record of import runs and the items they skipped.</summary>
public sealed partial class CatalogDatabase
{
    /// <summary>Records a new run by this process; runs whose process was killed are marked interrupted first.</summary>
    public long StartRun(string source)
    {
        MarkInterruptedRuns();
        using var connection = Connect();
        return connection.ExecuteScalar<long>(
            "INSERT INTO import_runs(source, started_at, status, pid, host) VALUES (@source, @now, 'running', @pid, @host) RETURNING id",
            new { source, now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), pid = Environment.ProcessId, host = Environment.MachineName });
    }

    /// <summary>
    /// Marks 'interrupted' the runs still 'running' whose process is gone (kill -9, power loss): on this machine, those
    /// whose process id no longer runs, and runs from before process ids were recorded. A run of another machine sharing
    /// the file is left alone. Returns how many were marked.
    /// </summary>
    public int MarkInterruptedRuns()
    {
        using var connection = Connect();
        var running = connection.Query<(long Id, long? Pid, string? Host)>("SELECT id, pid, host FROM import_runs WHERE status = 'running'").ToList();
        var gone = running.Where(r => r.Pid is null || (r.Host == Environment.MachineName && !IsRunning((int)r.Pid.Value))).Select(r => r.Id).ToList();
        return gone.Count == 0 ? 0 : connection.Execute(
            $"UPDATE import_runs SET status = 'interrupted', finished_at = @now WHERE {_dialect.In("id", "@gone")} AND status = 'running'",
            new { gone, now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) });
    }

    /// <summary>The status of a run (running, completed, cancelled, failed, interrupted); null for an unknown id.</summary>
    public string? GetRunStatus(long runId)
    {
        using var connection = Connect();
        return connection.ExecuteScalar<string?>("SELECT status FROM import_runs WHERE id = @runId", new { runId });
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public void RecordIssues(long runId, IReadOnlyCollection<ImportIssue> issues)
    {
        if (issues.Count == 0)
        {
            return;
        }

        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        InsertIssues(connection, transaction, runId, issues);
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
            $"SELECT item AS Item, problem AS Problem, message AS Message FROM import_issues i WHERE run_id = @runId ORDER BY {_dialect.InsertionOrder("i")}",
            new { runId }).ToList();
    }
}

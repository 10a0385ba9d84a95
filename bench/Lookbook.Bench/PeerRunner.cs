namespace Lookbook.Bench;

/// <summary>Placeholder replaced below.</summary>
internal sealed class PeerRunner
{
    public string Directory { get; } = "";

    public string Prepare(VectorWorkload workload, int[][] truth) => Directory + workload.Count + truth.Length;

    public void Run(BenchReport report, string group, string files, string kind) => report.Add(group, files + Directory, 0, kind);
}

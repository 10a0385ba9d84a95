using System.Diagnostics;
using System.Text.Json;
using Lookbook.Cli.Output;
using Lookbook.Index;

namespace Lookbook.Bench;

/// <summary>
/// Runs the Python peers (bench/peers/peers.py under Debian's /usr/bin/python3) on the same data and machine, and
/// adds their figures to the report beside Lookbook's. Installs their Debian packages first (bench/peers/install.sh).
/// </summary>
internal sealed class PeerRunner
{
    private const string Python = "/usr/bin/python3";
    private readonly string _peers;
    private readonly string _work;

    private PeerRunner(string peers, string work)
    {
        _peers = peers;
        _work = work;
    }

    /// <summary>Installs the peers' packages; null (with the reason printed) when they cannot run here.</summary>
    public static PeerRunner? Start(string work)
    {
        var peers = Path.Combine(BenchEnvironment.RepositoryRoot(), "bench", "peers");
        if (!File.Exists(Python))
        {
            Spectre.Console.AnsiConsole.MarkupLine($"[yellow]Peers skipped: {Python} is missing (apt-get install python3).[/]");
            return null;
        }

        var install = RunProcess("/bin/bash", [Path.Combine(peers, "install.sh")], TimeSpan.FromMinutes(20));
        if (install.ExitCode != 0)
        {
            Spectre.Console.AnsiConsole.MarkupLine($"[yellow]Peers skipped: installing their packages failed: {Spectre.Console.Markup.Escape(install.Error)}[/]");
            return null;
        }

        Directory.CreateDirectory(work);
        return new PeerRunner(peers, work);
    }

    /// <summary>Writes the workload and its exact answers where the peers read them.</summary>
    public string Prepare(VectorWorkload workload, int[][] truth)
    {
        var directory = Path.Combine(_work, $"vectors-{workload.Count}");
        workload.Save(directory);
        VectorWorkload.Write(Path.Combine(directory, "truth.i32"), truth.SelectMany(t => t).ToArray());
        return directory;
    }

    public void Vectors(BenchReport report, string group, string directory, int dimension, string kind, HnswOptions options) =>
        Run(report, group, "vectors", "--dir", directory, "--dim", $"{dimension}", "--kind", kind,
            "--m", $"{options.Connectivity}", "--ef-add", $"{options.ExpansionAdd}", "--ef", $"{options.ExpansionSearch}");

    public void Embedding(BenchReport report, string model, int size, int batch, int images) =>
        Run(report, "embedding peers", "embedding", "--model", model, "--size", $"{size}", "--batch", $"{batch}", "--images", $"{images}");

    private void Run(BenchReport report, string group, params string[] arguments)
    {
        var result = RunProcess(Python, [Path.Combine(_peers, "peers.py"), .. arguments], TimeSpan.FromMinutes(30));
        foreach (var line in result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var row = JsonSerializer.Deserialize<PeerRow>(line, JsonSerializerOptions.Web)!;
            report.Add(group, row.Name, row.Value, row.Unit, row.Note);
        }

        if (result.ExitCode != 0)
        {
            report.Add(group, $"peer {arguments[0]} failed", result.ExitCode, "exit code", result.Error.Split('\n').LastOrDefault(l => l.Length > 0));
        }
    }

    private static (int ExitCode, string Output, string Error) RunProcess(string file, string[] arguments, TimeSpan limit)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    private sealed record PeerRow(string Name, double Value, string Unit, string? Note);
}

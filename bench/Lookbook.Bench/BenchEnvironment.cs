namespace Lookbook.Bench;

/// <summary>Where the benchmark finds data: the full Debian dataset when installed, else the shipped sample.</summary>
internal static class BenchEnvironment
{
    public const string DebianDataset = "/usr/share/datasets/fashion-mnist";

    /// <summary>The repository the benchmark was built in (it needs the samples and bench/peers).</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Lookbook.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Run the benchmark from the repository (samples/ and bench/peers are needed).");
    }

    public static string FindSample() => Path.Combine(RepositoryRoot(), "samples", "fashion-mnist");

    public static string Dataset(bool full) =>
        full && File.Exists(Path.Combine(DebianDataset, "train-images-idx3-ubyte.gz")) ? DebianDataset
        : full ? throw new DirectoryNotFoundException($"--full needs {DebianDataset}: apt-get install dataset-fashion-mnist")
        : FindSample();

    public static string Machine => $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
}

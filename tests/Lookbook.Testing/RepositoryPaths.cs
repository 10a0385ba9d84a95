namespace Lookbook.Testing;

/// <summary>Paths inside the repository, found from the test binary's location.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string SampleCatalog => Path.Combine(Root, "samples", "fashion-mnist");

    public static string Queries => Path.Combine(Root, "samples", "queries");

    public static string Fixture(string name) => Path.Combine(Root, "tests", "fixtures", "images", name);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Lookbook.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Lookbook.slnx not found above " + AppContext.BaseDirectory);
    }
}

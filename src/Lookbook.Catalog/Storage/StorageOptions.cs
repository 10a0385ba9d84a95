namespace Lookbook.Catalog.Storage;

/// <summary>Where the catalog lives. Section <c>Lookbook:Storage</c>; environment <c>Lookbook__Storage__DatabasePath</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Lookbook:Storage";

    /// <summary>The SQLite file; relative paths are resolved against the working directory.</summary>
    public string DatabasePath { get; set; } = "lookbook.db";

    /// <summary>Problems with the values, each naming its key; empty when they are usable.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            yield return $"{SectionName}:DatabasePath must name a file.";
        }
        else if (Directory.Exists(DatabasePath))
        {
            yield return $"{SectionName}:DatabasePath names a folder ({DatabasePath}); give the catalog file, e.g. {Path.Combine(DatabasePath, "lookbook.db")}.";
        }
    }
}

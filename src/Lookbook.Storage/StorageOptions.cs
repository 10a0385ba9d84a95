namespace Lookbook.Storage;

/// <summary>Where the catalog lives. Section <c>Lookbook:Storage</c>; environment <c>Lookbook__Storage__DatabasePath</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Lookbook:Storage";

    /// <summary>The SQLite file; relative paths are resolved against the working directory.</summary>
    public string DatabasePath { get; set; } = "lookbook.db";
}

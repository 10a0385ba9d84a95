namespace Lookbook.Catalog.Sources;

/// <summary>
/// A folder tree of images where the first sub-folder names the category:
/// <c>shop/dresses/red-midi.jpg</c> becomes product <c>dresses/red-midi</c> in category <c>dresses</c>.
/// Images directly in the root get the category <c>uncategorized</c>. Files are referenced, not copied.
/// </summary>
public sealed class FolderSource : ICatalogSource
{
    public const string Uncategorized = "uncategorized";
    private readonly string _root;
    private List<string>? _files;

    public FolderSource(string root)
    {
        _root = Path.GetFullPath(root);
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"Catalog folder not found: {_root}");
        }

        Name = $"folder:{_root}";
    }

    public string Name { get; }

    public int? CountHint => Files.Count;

    private List<string> Files => _files ??= Directory
        .EnumerateFiles(_root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
        .Where(ImageFiles.IsCandidate)
        .Order(StringComparer.Ordinal)
        .ToList();

    public IEnumerable<SourceEntry> ReadEntries()
    {
        foreach (var file in Files)
        {
            var relative = Path.GetRelativePath(_root, file).Replace('\\', '/');
            var segments = relative.Split('/');
            var category = segments.Length > 1 ? segments[0] : Uncategorized;
            var id = relative[..^Path.GetExtension(relative).Length];
            var title = Path.GetFileNameWithoutExtension(file).Replace('_', ' ').Replace('-', ' ');
            var attributes = new Dictionary<string, string> { ["file"] = relative };
            yield return SourceEntry.Of(new SourceItem(id, title, category, attributes, file, null));
        }
    }
}

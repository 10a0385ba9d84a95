namespace Lookbook.Catalog.Sources;

/// <summary>Which files are treated as images by the folder source.</summary>
internal static class ImageFiles
{
    public static readonly IReadOnlySet<string> Extensions =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp" };

    public static bool IsCandidate(string path) =>
        Extensions.Contains(Path.GetExtension(path)) && !Path.GetFileName(path).StartsWith('.');
}

using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;

namespace Lookbook.Catalog.Import;

/// <summary>What an import must do with a source entry, given what the catalog stores for its product.</summary>
internal enum ImportChangeKind
{
    /// <summary>Same image (vector present), same metadata, same source: nothing to write.</summary>
    Unchanged,

    /// <summary>Same image with its vector: only title, category, attributes or source are written (no model run).</summary>
    Metadata,

    /// <summary>A new product, a new image, or one never embedded: the image goes through the model.</summary>
    Image,
}

/// <summary>The one place an import (single-process or a cluster's worker) decides what an entry costs.</summary>
internal static class ImportChange
{
    public static (ImportChangeKind Kind, string ImageHash, string MetadataHash) Of(
        SourceItem item, byte[] bytes, StoredItemState? state, string source)
    {
        var imageHash = ContentHash.OfImage(bytes);
        var metadataHash = ContentHash.OfMetadata(item);
        var kind = state is null || !state.HasEmbedding || state.ImageHash != imageHash ? ImportChangeKind.Image
            : state.MetadataHash == metadataHash && state.Source == source ? ImportChangeKind.Unchanged
            : ImportChangeKind.Metadata;
        return (kind, imageHash, metadataHash);
    }

    /// <summary>An entry's image bytes (inline, or read from its file), or null with the reason it cannot be had.</summary>
    public static byte[]? ReadImage(SourceItem item, long maxBytes, out ImportIssue? issue)
    {
        issue = null;
        if (item.ImageBytes is { } inline)
        {
            return inline;
        }

        try
        {
            var length = new FileInfo(item.ImagePath!).Length;
            if (length > maxBytes)
            {
                issue = new ImportIssue(item.ProductId, "too-large", $"{item.ImagePath} is {length / 1_048_576.0:F1} MB; the limit is {maxBytes / 1_048_576.0:F1} MB.");
                return null;
            }

            return File.ReadAllBytes(item.ImagePath!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            issue = new ImportIssue(item.ProductId, "unreadable", $"{item.ImagePath}: {e.Message}");
            return null;
        }
    }
}

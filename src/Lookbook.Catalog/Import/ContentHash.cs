using System.Security.Cryptography;
using System.Text;
using Lookbook.Catalog.Sources;

namespace Lookbook.Catalog.Import;

/// <summary>Content hashes that decide whether an import has work to do for an item.</summary>
internal static class ContentHash
{
    public static string OfImage(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string OfMetadata(SourceItem item)
    {
        var text = new StringBuilder()
            .Append(item.Title).Append('\u001f')
            .Append(item.Category).Append('\u001f');
        foreach (var (key, value) in item.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('=').Append(value).Append('\u001e');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }
}

using System.Text;

namespace Lookbook.Index;

/// <summary>The product id of every graph key, saved beside the graph as <c>INDEX.keys</c>.</summary>
internal static class KeyTable
{
    private const string Magic = "LOOKBOOK-HNSW-KEYS-1";

    public static string PathFor(string indexPath) => indexPath + ".keys";

    public static void Write(string path, string?[] idOfKey, ulong count)
    {
        using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
        writer.Write(Magic);
        writer.Write(count);
        for (var key = 0UL; key < count; key++)
        {
            writer.Write(idOfKey[key] ?? string.Empty); // empty = removed (product ids are never empty)
        }
    }

    public static (string?[] IdOfKey, ulong Count) Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"The key table {path} is missing.");
        }

        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        if (reader.ReadString() != Magic)
        {
            throw new InvalidDataException($"{path} is not a Lookbook key table.");
        }

        var count = reader.ReadUInt64();
        var ids = new string?[Math.Max(1024, (long)count)];
        for (var key = 0UL; key < count; key++)
        {
            var id = reader.ReadString();
            ids[key] = id.Length == 0 ? null : id;
        }

        return (ids, count);
    }
}

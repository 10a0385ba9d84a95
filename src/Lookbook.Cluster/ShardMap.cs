using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Lookbook.Cluster;

/// <summary>
/// Which shard a product belongs to: XxHash32 of its id's UTF-8 bytes, modulo the shard count. Stable across processes,
/// machines and .NET versions (unlike <see cref="string.GetHashCode()"/>), so every silo agrees without asking.
/// The count is fixed per catalog: changing it moves most products.
/// </summary>
public static class ShardMap
{
    public static int ShardOf(string productId, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        Span<byte> hash = stackalloc byte[4];
        XxHash32.Hash(Encoding.UTF8.GetBytes(productId), hash);
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(hash) % (uint)shards);
    }
}

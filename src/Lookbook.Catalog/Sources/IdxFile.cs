using System.Buffers.Binary;
using System.IO.Compression;

namespace Lookbook.Catalog.Sources;

/// <summary>
/// Reader for the IDX format of MNIST and Fashion-MNIST (big-endian header, then unsigned bytes),
/// plain or gzip-compressed.
/// </summary>
public static class IdxFile
{
    private const int UnsignedByteType = 0x08;

    /// <summary>Reads an idx3 image file: count × rows × columns grey bytes.</summary>
    public static (int Count, int Rows, int Columns, byte[] Pixels) ReadImages(string path)
    {
        var (dims, data) = Read(path, expectedRank: 3);
        return (dims[0], dims[1], dims[2], data);
    }

    /// <summary>Reads an idx1 label file: one byte per item.</summary>
    public static byte[] ReadLabels(string path) => Read(path, expectedRank: 1).Data;

    /// <summary>The number of items (first dimension), read from the header only.</summary>
    public static int ReadCount(string path, int expectedRank)
    {
        using var stream = OpenHeader(path, expectedRank);
        Span<byte> count = stackalloc byte[4];
        ReadExactly(stream, count, path);
        return BinaryPrimitives.ReadInt32BigEndian(count);
    }

    private static Stream OpenHeader(string path, int expectedRank)
    {
        var file = File.OpenRead(path);
        Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
        Span<byte> header = stackalloc byte[4];
        ReadExactly(stream, header, path);
        if (header[0] != 0 || header[1] != 0 || header[2] != UnsignedByteType || header[3] != expectedRank)
        {
            stream.Dispose();
            throw new InvalidDataException($"{path} is not an IDX file of rank {expectedRank} with unsigned bytes (magic {Convert.ToHexString(header)}).");
        }

        return stream;
    }

    private static (int[] Dims, byte[] Data) Read(string path, int expectedRank)
    {
        using var stream = OpenHeader(path, expectedRank);
        Span<byte> header = stackalloc byte[4];
        var dims = new int[expectedRank];
        for (var i = 0; i < expectedRank; i++)
        {
            ReadExactly(stream, header, path);
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(header);
            if (dims[i] <= 0)
            {
                throw new InvalidDataException($"{path} declares a non-positive dimension {dims[i]}.");
            }
        }

        var length = dims.Aggregate(1L, (a, d) => a * d);
        if (length > Array.MaxLength)
        {
            throw new InvalidDataException($"{path} declares {length} bytes of data, more than one array can hold.");
        }

        var data = new byte[length];
        ReadExactly(stream, data, path);
        return (dims, data);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path} is truncated: it ends before the data its header declares.", e);
        }
    }
}

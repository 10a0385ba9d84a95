using System.Buffers;

namespace Lookbook.Vision.Images;

/// <summary>
/// One image as the model's input planes (3 × size × size floats, channel-major). The buffer is rented
/// from the shared pool because 224-px inputs are 600 KB each; dispose to return it.
/// </summary>
public sealed class PreparedImage : IDisposable
{
    private float[]? _buffer;

    internal PreparedImage(int size)
    {
        Size = size;
        _buffer = ArrayPool<float>.Shared.Rent(3 * size * size);
    }

    /// <summary>Side of the square input in pixels.</summary>
    public int Size { get; }

    /// <summary>Which part of the source photo the square shows (to map what the model saw back onto the photo).</summary>
    public ImageFrame Frame { get; internal set; } = ImageFrame.Whole;

    /// <summary>The planes, length 3 × Size × Size.</summary>
    public Span<float> Planes => (_buffer ?? throw new ObjectDisposedException(nameof(PreparedImage))).AsSpan(0, 3 * Size * Size);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }
}

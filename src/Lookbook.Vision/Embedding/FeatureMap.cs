namespace Lookbook.Vision.Embedding;

/// <summary>
/// The backbone's last feature map for one image before pooling: <see cref="Channels"/> × <see cref="Height"/> ×
/// <see cref="Width"/> activations, channel-major, each cell seeing one patch of the prepared square. Localization reads
/// it to tell the garment's cells from the background's.
/// </summary>
public sealed class FeatureMap
{
    private readonly float[] _data;

    public FeatureMap(int channels, int height, int width, float[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(data.Length, channels * height * width, nameof(data));
        Channels = channels;
        Height = height;
        Width = width;
        _data = data;
    }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public int Cells => Height * Width;

    /// <summary>Copies the activations of cell (<paramref name="row"/>, <paramref name="column"/>) into <paramref name="into"/>.</summary>
    public void Cell(int row, int column, Span<float> into)
    {
        var cell = (row * Width) + column;
        for (var c = 0; c < Channels; c++)
        {
            into[c] = _data[(c * Cells) + cell];
        }
    }

    /// <summary>
    /// Mean activation over the cells in rows [<paramref name="top"/>, <paramref name="bottom"/>) and columns
    /// [<paramref name="left"/>, <paramref name="right"/>): the region's own vector, as global pooling is the whole map's.
    /// </summary>
    public float[] Pool(int top, int left, int bottom, int right)
    {
        var pooled = new float[Channels];
        var count = (bottom - top) * (right - left);
        for (var c = 0; c < Channels; c++)
        {
            var sum = 0f;
            for (var row = top; row < bottom; row++)
            {
                for (var column = left; column < right; column++)
                {
                    sum += _data[(c * Cells) + (row * Width) + column];
                }
            }

            pooled[c] = count > 0 ? sum / count : 0f;
        }

        return pooled;
    }
}

/// <summary>An image's vector (as <see cref="IImageEmbedder.Embed"/> gives it) and the feature map it was pooled from.</summary>
public sealed record EmbeddedImage(float[] Vector, FeatureMap Map);

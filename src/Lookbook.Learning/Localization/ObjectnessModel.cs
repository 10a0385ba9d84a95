using System.Numerics.Tensors;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;

namespace Lookbook.Learning.Localization;

/// <summary>
/// Tells a garment's cells of the backbone's feature map from the background's: a logistic model over each cell's
/// direction (its activations, unit length) and its strength relative to the map's mean, learned on synthesised
/// shopper photos whose product masks are known. Connected garment cells become <see cref="DetectedRegion"/>s.
/// Immutable and thread-safe.
/// </summary>
public sealed class ObjectnessModel
{
    /// <summary>A map must be at least this many cells a side to localise in (a 64-px input's 4×4 map is not).</summary>
    public const int MinimumMapSide = 7;

    private const float Threshold = 0.5f;
    private const int MaxRegions = 5;

    public ObjectnessModel(int channels, float[] weights, float bias)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(weights.Length, channels + 1, nameof(weights));
        Channels = channels;
        Weights = weights;
        Bias = bias;
    }

    public int Channels { get; }

    /// <summary>One weight per channel of a unit-length cell, then one for the cell's relative strength.</summary>
    public float[] Weights { get; }

    public float Bias { get; }

    /// <summary>Whether <paramref name="map"/> is fine enough to localise in and made by the backbone this was trained on.</summary>
    public bool CanRead(FeatureMap map) => map.Channels == Channels && map.Height >= MinimumMapSide && map.Width >= MinimumMapSide;

    /// <summary>Probability that each cell (row-major) shows the garment, smoothed over its 3×3 neighbourhood.</summary>
    public float[] Score(FeatureMap map)
    {
        var features = Features(map);
        var raw = new float[map.Cells];
        for (var cell = 0; cell < map.Cells; cell++)
        {
            raw[cell] = Sigmoid(TensorPrimitives.Dot(Weights, features.AsSpan(cell * (Channels + 1), Channels + 1)) + Bias);
        }

        // One cell alone is noise more often than a garment: a light blur keeps blobs and drops specks.
        var smoothed = new float[map.Cells];
        for (var row = 0; row < map.Height; row++)
        {
            for (var column = 0; column < map.Width; column++)
            {
                float sum = 0, weight = 0;
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        int r = row + dy, c = column + dx;
                        if (r >= 0 && r < map.Height && c >= 0 && c < map.Width)
                        {
                            var w = dx == 0 && dy == 0 ? 4f : dx == 0 || dy == 0 ? 2f : 1f;
                            sum += w * raw[(r * map.Width) + c];
                            weight += w;
                        }
                    }
                }

                smoothed[(row * map.Width) + column] = sum / weight;
            }
        }

        return smoothed;
    }

    /// <summary>
    /// The garments in <paramref name="map"/>, largest first: each connected group of cells likely to be garment,
    /// as a box on the photo (<paramref name="frame"/> says which part of it the map saw).
    /// </summary>
    public IReadOnlyList<DetectedRegion> Detect(FeatureMap map, ImageFrame frame)
    {
        if (!CanRead(map))
        {
            return [];
        }

        var scores = Score(map);
        var label = new int[map.Cells];
        var regions = new List<DetectedRegion>();
        var stack = new Stack<int>();
        for (var start = 0; start < map.Cells; start++)
        {
            if (label[start] != 0 || scores[start] < Threshold)
            {
                continue;
            }

            label[start] = regions.Count + 1;
            stack.Push(start);
            int top = map.Height, left = map.Width, bottom = 0, right = 0, cells = 0;
            float mass = 0;
            while (stack.Count > 0)
            {
                var cell = stack.Pop();
                int row = cell / map.Width, column = cell % map.Width;
                (top, left, bottom, right) = (Math.Min(top, row), Math.Min(left, column), Math.Max(bottom, row + 1), Math.Max(right, column + 1));
                cells++;
                mass += scores[cell];
                foreach (var (r, c) in (ReadOnlySpan<(int, int)>)[(row - 1, column), (row + 1, column), (row, column - 1), (row, column + 1)])
                {
                    if (r >= 0 && r < map.Height && c >= 0 && c < map.Width && label[(r * map.Width) + c] == 0 && scores[(r * map.Width) + c] >= Threshold)
                    {
                        label[(r * map.Width) + c] = regions.Count + 1;
                        stack.Push((r * map.Width) + c);
                    }
                }
            }

            var cellsRect = new CellRect(top, left, bottom, right);
            var box = frame.ToPhoto((float)left / map.Width, (float)top / map.Height, (float)(right - left) / map.Width, (float)(bottom - top) / map.Height);
            if (box is { } photoBox && cells >= 2)
            {
                regions.Add(new DetectedRegion(photoBox, mass / cells, (float)cells / map.Cells, cellsRect));
            }
        }

        return [.. regions.OrderByDescending(r => r.Score * r.Share).Take(MaxRegions)];
    }

    /// <summary>Per cell: its activations at unit length, then its norm over the map's mean norm.</summary>
    internal static float[] Features(FeatureMap map)
    {
        var width = map.Channels + 1;
        var features = new float[map.Cells * width];
        var norms = new float[map.Cells];
        for (var row = 0; row < map.Height; row++)
        {
            for (var column = 0; column < map.Width; column++)
            {
                var cell = (row * map.Width) + column;
                var slice = features.AsSpan(cell * width, map.Channels);
                map.Cell(row, column, slice);
                norms[cell] = TensorPrimitives.Norm(slice);
                if (norms[cell] > 0)
                {
                    TensorPrimitives.Divide(slice, norms[cell], slice);
                }
            }
        }

        var mean = TensorPrimitives.Sum(norms) / map.Cells;
        for (var cell = 0; cell < map.Cells; cell++)
        {
            features[(cell * width) + map.Channels] = mean > 0 ? norms[cell] / mean : 0f;
        }

        return features;
    }

    internal static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}

/// <summary>Rows [Top, Bottom) and columns [Left, Right) of a feature map.</summary>
public readonly record struct CellRect(int Top, int Left, int Bottom, int Right);

/// <summary>A garment found on a feature map.</summary>
/// <param name="Box">Where it is on the photo, in fractions of its width and height.</param>
/// <param name="Score">Mean garment probability of its cells.</param>
/// <param name="Share">Share of the map's cells it covers (1: it fills what the model saw).</param>
/// <param name="Cells">Its cells on the map (to pool its own vector from the map).</param>
public sealed record DetectedRegion(NormalizedRect Box, float Score, float Share, CellRect Cells);

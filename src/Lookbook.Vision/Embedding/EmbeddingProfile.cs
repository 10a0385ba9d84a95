using System.Security.Cryptography;
using System.Text;

namespace Lookbook.Vision.Embedding;

/// <summary>
/// What produced a vector, field by field: model file and content hash, layers, input size and the rest of the
/// pre-processing, precision (with the int8 calibration and the weight range the CPU allowed) and the dimension.
/// Two vectors are comparable only when their fingerprints are equal; the catalog stores the profile in columns of
/// its own and compares fingerprints to detect a changed model.
/// </summary>
/// <param name="ModelFile">The .onnx file's name.</param>
/// <param name="ModelHash">The first 12 hex digits of the file's SHA-256.</param>
/// <param name="Layers">Graph tensors pooled into the vector (empty: the model's own outputs).</param>
/// <param name="InputSize">Side of the square model input in pixels.</param>
/// <param name="Preprocessing">The full pre-processing, as described by the options (input size, channels, normalisation, resize).</param>
/// <param name="CalibrationHash">The int8 calibration table's hash (int8 only).</param>
/// <param name="WeightBits">Bits the int8 weights use: 7 on CPUs without VNNI, 8 with it (int8 only; they give different vectors).</param>
/// <param name="Dimension">Length of the vectors.</param>
public sealed record EmbeddingProfile(
    string ModelFile,
    string ModelHash,
    IReadOnlyList<string> Layers,
    int InputSize,
    string Preprocessing,
    ModelPrecision Precision,
    string? CalibrationHash,
    int? WeightBits,
    int Dimension)
{
    // Set only for a catalog indexed before profiles had columns, whose recorded summary differs from the composed one.
    private readonly string? _recordedDescription;

    /// <summary>
    /// Readable summary, e.g. "resnet18.onnx sha256:0123abcd layers=... pool=gap input=64 ...", composed from the fields
    /// (so <c>with</c> changes it too). A catalog indexed by an earlier version keeps the summary it recorded, and so its
    /// fingerprint (a <c>with</c> on such a profile keeps that summary: describe a new configuration with a new profile).
    /// </summary>
    public string Description
    {
        get => _recordedDescription ?? Compose();
        init => _recordedDescription = value == Compose() ? null : value;
    }

    /// <summary>Short stable hash of <see cref="Description"/>: equal fingerprints, comparable vectors.</summary>
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Description)))[..16];

    /// <summary>The layers as one name ("model-outputs" when none are named).</summary>
    public string LayerName => Layers.Count > 0 ? string.Join('+', Layers) : "model-outputs";

    private string Compose()
    {
        var int8 = Precision == ModelPrecision.Int8
            ? $" int8:{CalibrationHash}" + (WeightBits is { } bits ? $" weights={bits}bit" : "")
            : "";
        return $"{ModelFile} sha256:{ModelHash} layers={LayerName} pool=gap {Preprocessing}{int8}";
    }
}

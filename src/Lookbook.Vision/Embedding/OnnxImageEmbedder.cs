using System.Buffers;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using Google.Protobuf;
using Lookbook.Vision.Images;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Lookbook.Vision.Embedding;

/// <summary>
/// A frozen ONNX image model used as a feature extractor. One ONNX Runtime session is created at
/// construction and shared: <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// is safe to call concurrently. The constructor runs one probe inference, so a missing, corrupt or
/// mis-configured model fails at start with a clear message, and the vector dimension is read from
/// the model rather than assumed.
/// </summary>
public sealed class OnnxImageEmbedder : IImageEmbedder, IDisposable
{
    private readonly InferenceSession _session;
    private readonly Lazy<InferenceSession?>? _lookSession; // null value: the int8 look could not be made (automatic mode looks in float32)
    private readonly string _inputName;
    private readonly string[] _outputNames;
    private readonly int[] _layerWidths;
    private readonly RunOptions _runOptions = new();
    private readonly ILogger _logger;

    /// <summary>The model a host configured (services resolve this one).</summary>
    public OnnxImageEmbedder(IOptions<EmbeddingOptions> options, ILogger<OnnxImageEmbedder> logger)
        : this(options.Value, logger)
    {
    }

    public OnnxImageEmbedder(EmbeddingOptions options, ILogger<OnnxImageEmbedder>? logger = null)
    {
        _logger = logger ?? (ILogger)NullLogger.Instance;
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ModelLoadException(string.Join(" ", problems));
        }

        var path = options.ResolveModelPath();
        if (!File.Exists(path))
        {
            throw new ModelLoadException(
                $"Model file not found: {path}. Build the solution to copy the packaged ResNet18, or point Lookbook__Embedding__ModelPath at an .onnx file.");
        }

        var started = Stopwatch.StartNew();
        var modelBytes = File.ReadAllBytes(path);
        var modelName = ModelName(path, modelBytes);
        CalibrationTable? Calibration()
        {
            var calibrationPath = options.CalibrationPath
                ?? throw new ModelLoadException("Int8 precision needs Lookbook:Embedding:CalibrationPath (written by `lookbook quantize`).");
            var calibration = CalibrationTable.Load(calibrationPath);
            calibration.EnsureMatches(modelName, LayerName(options), options.Preprocessing.InputSize, calibrationPath);
            return calibration;
        }

        var quantized = options.Precision == ModelPrecision.Int8 ? Calibration() : null;
        Preparer = new ImagePreparer(options.Preprocessing);
        _session = CreateSession(modelBytes, options, quantized, path);

        var inputs = _session.InputMetadata.Where(i => i.Value.Dimensions.Length == 4).ToList();
        if (inputs.Count != 1 || _session.InputMetadata.Count != 1)
        {
            _session.Dispose();
            throw new ModelLoadException($"{path} must have exactly one image input of shape [batch, 3, height, width].");
        }

        _inputName = inputs[0].Key;
        _outputNames = [.. _session.OutputMetadata.Keys];
        _layerWidths = ProbeLayerWidths(options.Preprocessing.InputSize, path);

        var layers = LayerName(options);
        var weightBits = CpuFeatures.HasVnni ? 8 : 7; // part of the profile: the two ranges give different vectors
        Profile = new EmbeddingProfile(
            Path.GetFileName(path), ModelHash(modelBytes), [.. options.Layers], options.Preprocessing.InputSize, options.Preprocessing.Describe(),
            options.Precision, quantized?.Hash, quantized is null ? null : weightBits, _layerWidths.Sum());
        _logger.LogInformation("Loaded {Model} in {ElapsedMs} ms: {Dimension}-d vectors from {Layers}",
            path, started.ElapsedMilliseconds, Profile.Dimension, layers);

        // The first look at a photo only finds its garments: an int8 copy of a float32 model does that as well in less time.
        // Its calibration is checked now; its session is made on the first look (imports and re-indexes never look).
        if (options.Precision == ModelPrecision.Float32 && options.LookPrecision != ModelPrecision.Float32)
        {
            try
            {
                if (options.LookPrecision == ModelPrecision.Int8 || File.Exists(options.CalibrationPath))
                {
                    var lookCalibration = Calibration()!;
                    // Read again when first needed rather than held: an import never looks, and the bytes are ~45 MB.
                    var hash = Profile.ModelHash;
                    var insist = options.LookPrecision == ModelPrecision.Int8;
                    _lookSession = new Lazy<InferenceSession?>(() => CreateLookSession(path, hash, options, lookCalibration, insist), LazyThreadSafetyMode.ExecutionAndPublication);
                    _logger.LogInformation("Photos are looked at with an int8 copy of the model to find their garments (calibration {Calibration})", options.CalibrationPath);
                }
            }
            catch (ModelLoadException e) when (options.LookPrecision is null)
            {
                _logger.LogWarning("Photos are looked at in float32 to find their garments: {Reason}", e.Message);
            }
            catch
            {
                _session.Dispose();
                throw;
            }
        }
    }

    /// <summary>The adapted model (quantised with <paramref name="int8"/> when given) in an ONNX Runtime session.</summary>
    private static InferenceSession CreateSession(byte[] modelBytes, EmbeddingOptions options, CalibrationTable? int8, string path)
    {
        var model = OnnxGraphAdapter.AdaptModel(modelBytes, options.Layers);
        if (int8 is not null)
        {
            BatchNormFolder.Fold(model.Graph);
            Int8Quantizer.Quantize(model, int8.Ranges, reduceRange: !CpuFeatures.HasVnni);
        }

        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.Threads,
            InterOpNumThreads = 1,
        };
        // Idle intra-op threads would otherwise spin between runs and steal the cores that decode the next batch.
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        try
        {
            return new InferenceSession(model.ToByteArray(), sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException($"ONNX Runtime could not load {path}: {e.Message}", e);
        }
    }

    public EmbeddingProfile Profile { get; }

    /// <summary>
    /// The int8 session for the first look, from the model file read again (checked to be the loaded one). Asked for
    /// (<see cref="EmbeddingOptions.LookPrecision"/> Int8) it throws; chosen automatically, a failure is a warning and
    /// photos are looked at in float32 — they are searched alike, only slower.
    /// </summary>
    private InferenceSession? CreateLookSession(string path, string hash, EmbeddingOptions options, CalibrationTable calibration, bool insist)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            return ModelHash(bytes) == hash
                ? CreateSession(bytes, options, calibration, path)
                : throw new ModelLoadException($"{path} changed after it was loaded; restart to use the new model.");
        }
        catch (Exception e) when (!insist && e is ModelLoadException or IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Photos are looked at in float32 to find their garments: {Reason}", e.Message);
            return null;
        }
    }

    /// <summary>The model's file name and content hash, as in the embedding profile.</summary>
    internal static string ModelName(string path, byte[] modelBytes) => $"{Path.GetFileName(path)} sha256:{ModelHash(modelBytes)}";

    private static string ModelHash(byte[] modelBytes) => Convert.ToHexStringLower(SHA256.HashData(modelBytes))[..12];

    internal static string LayerName(EmbeddingOptions options) =>
        options.Layers.Length > 0 ? string.Join('+', options.Layers) : "model-outputs";

    public ImagePreparer Preparer { get; }

    public float[][] Embed(IReadOnlyList<PreparedImage> images) => Embed(_session, images, keepMaps: false).Vectors;

    public EmbeddedImage[] EmbedWithMaps(IReadOnlyList<PreparedImage> images) => WithMaps(_session, images);

    /// <summary>Whether <see cref="Look"/> runs an int8 copy of the model (<see cref="EmbeddingOptions.LookPrecision"/>).</summary>
    public bool LooksApart => _lookSession is not null && (!_lookSession.IsValueCreated || _lookSession.Value is not null);

    public EmbeddedImage[] Look(IReadOnlyList<PreparedImage> images) => WithMaps(_lookSession?.Value ?? _session, images);

    private EmbeddedImage[] WithMaps(InferenceSession session, IReadOnlyList<PreparedImage> images)
    {
        var (vectors, maps) = Embed(session, images, keepMaps: true);
        return [.. vectors.Select((vector, i) => new EmbeddedImage(vector, maps![i]))];
    }

    private (float[][] Vectors, FeatureMap[]? Maps) Embed(InferenceSession session, IReadOnlyList<PreparedImage> images, bool keepMaps)
    {
        if (images.Count == 0)
        {
            return ([], keepMaps ? [] : null);
        }

        var size = Preparer.InputSize;
        var planeLength = 3 * size * size;
        var buffer = ArrayPool<float>.Shared.Rent(images.Count * planeLength);
        try
        {
            for (var i = 0; i < images.Count; i++)
            {
                if (images[i].Size != size)
                {
                    throw new ArgumentException($"Image {i} was prepared at {images[i].Size} px; the model is configured for {size} px.", nameof(images));
                }

                images[i].Planes.CopyTo(buffer.AsSpan(i * planeLength, planeLength));
            }

            return Run(session, buffer.AsMemory(0, images.Count * planeLength), images.Count, keepMaps);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private (float[][] Vectors, FeatureMap[]? Maps) Run(InferenceSession session, Memory<float> input, int count, bool keepMaps)
    {
        var size = Preparer.InputSize;
        using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, [count, 3, size, size]);
        using var outputs = session.Run(_runOptions, [_inputName], [inputValue], _outputNames);

        var vectors = new float[count][];
        var dimension = _layerWidths.Sum();
        for (var i = 0; i < count; i++)
        {
            vectors[i] = new float[dimension];
        }

        FeatureMap[]? maps = null;
        var offset = 0;
        for (var layer = 0; layer < outputs.Count; layer++)
        {
            var width = _layerWidths[layer];
            var shape = outputs[layer].GetTensorTypeAndShape().Shape;
            var data = outputs[layer].GetTensorDataAsSpan<float>();
            var perImage = data.Length / count;
            var spatial = perImage / width;
            var last = layer == outputs.Count - 1;
            if (keepMaps && last)
            {
                // The deepest layer's map: its cells are what the vector is pooled from.
                var (height, mapWidth) = shape.Length == 4 ? ((int)shape[2], (int)shape[3]) : (1, 1);
                maps = new FeatureMap[count];
                for (var i = 0; i < count; i++)
                {
                    maps[i] = new FeatureMap(width, height, mapWidth, data.Slice(i * perImage, perImage).ToArray());
                }
            }

            for (var i = 0; i < count; i++)
            {
                var block = vectors[i].AsSpan(offset, width);
                PoolChannels(data.Slice(i * perImage, perImage), spatial, block);
                if (outputs.Count > 1)
                {
                    // Each layer contributes equally whatever the scale of its activations.
                    NormalizeInPlace(block);
                }
            }

            Debug.Assert(shape[0] == count, "The output batch must match the input batch.");
            offset += width;
        }

        foreach (var vector in vectors)
        {
            NormalizeInPlace(vector);
        }

        return (vectors, maps);
    }

    // Unit length, as every index expects; a zero vector stays zero.
    private static void NormalizeInPlace(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0f && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    /// <summary>Global average pooling of a channel-major [C, spatial] block into C values.</summary>
    private static void PoolChannels(ReadOnlySpan<float> activations, int spatial, Span<float> pooled)
    {
        for (var c = 0; c < pooled.Length; c++)
        {
            pooled[c] = spatial == 1 ? activations[c] : TensorPrimitives.Sum(activations.Slice(c * spatial, spatial)) / spatial;
        }
    }

    private int[] ProbeLayerWidths(int inputSize, string path)
    {
        try
        {
            var probe = new float[3 * inputSize * inputSize];
            using var inputValue = OrtValue.CreateTensorValueFromMemory(probe, [1, 3, inputSize, inputSize]);
            using var outputs = _session.Run(_runOptions, [_inputName], [inputValue], _outputNames);
            return outputs.Select(o =>
            {
                var shape = o.GetTensorTypeAndShape().Shape;
                return shape.Length >= 2 ? (int)shape[1] : throw new ModelLoadException($"Output of {path} has shape [{string.Join(", ", shape)}]; expected [batch, channels, ...].");
            }).ToArray();
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException($"{path} cannot run at {inputSize}×{inputSize} px: {e.Message}. Try an input size the model supports (ResNets need a multiple of 32).", e);
        }
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
        if (_lookSession is { IsValueCreated: true })
        {
            _lookSession.Value?.Dispose();
        }
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lookbook.Learning;

/// <summary>Which vectors the catalog is searched with once a head is trained.</summary>
public enum RetrievalSpace
{
    /// <summary>The backbone's embedding, as stored.</summary>
    Raw,

    /// <summary>The head's hidden layer (learned from the labels).</summary>
    Hidden,
}

/// <summary>What was measured on the held-out validation split when the head was trained.</summary>
public sealed record HeadMetrics(
    double ValidationAccuracy,
    double ValidationMacroF1,
    double RawMapAt10,
    double HiddenMapAt10,
    int TrainingExamples,
    int ValidationExamples,
    int AugmentedCopies,
    int BestEpoch,
    double TrainingSeconds)
{
    /// <summary>Share of synthesised shopper photos (medium strength) that search lets through as served (null: not measured).</summary>
    public double? ShopperPhotosAccepted { get; init; }

    /// <summary>Share of images of no product (textures, scenes, plain surfaces, noise) it turns away (null: not measured).</summary>
    public double? UnrelatedRejected { get; init; }
}

/// <summary>
/// A trained head with what it needs to be used safely: the embedding fingerprint its inputs came from,
/// the retrieval space and category boost chosen on validation data, and the calibrated "no good match"
/// similarity threshold. Saved as JSON beside the catalog database.
/// </summary>
public sealed record TrainedHead(
    MlpHead Head,
    string EmbeddingFingerprint,
    RetrievalSpace RetrievalSpace,
    float CategoryBoost,
    float NoMatchThreshold,
    HeadMetrics Metrics,
    TrainingOptions Options,
    DateTimeOffset TrainedAt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    public void Save(string path)
    {
        var file = new HeadFileV1(1, [.. Head.Classes], Head.InputSize, Head.HiddenSize, Head.InputMean, Head.InputScale,
            Head.HiddenWeights, Head.HiddenBias, Head.OutputWeights, Head.OutputBias,
            EmbeddingFingerprint, RetrievalSpace, CategoryBoost, NoMatchThreshold, Metrics, Options, TrainedAt);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(file, Json));
        File.Move(temporary, path, overwrite: true); // a reader never sees half a file
    }

    /// <summary>The head saved at <paramref name="path"/>, or null when there is none.</summary>
    public static TrainedHead? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        HeadFileV1 file;
        try
        {
            file = JsonSerializer.Deserialize<HeadFileV1>(File.ReadAllText(path), Json) ?? throw new InvalidDataException("empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The head file {path} is damaged ({e.Message}). Delete it and run `lookbook train` again.", e);
        }

        if (file.Version != 1)
        {
            throw new InvalidDataException($"The head file {path} has version {file.Version}; this Lookbook reads version 1.");
        }

        var head = new MlpHead(file.Classes, file.InputSize, file.HiddenSize, file.InputMean, file.InputScale,
            file.HiddenWeights, file.HiddenBias, file.OutputWeights, file.OutputBias);
        return new TrainedHead(head, file.EmbeddingFingerprint, file.RetrievalSpace, file.CategoryBoost, file.NoMatchThreshold,
            file.Metrics, file.Options, file.TrainedAt);
    }

    private sealed record HeadFileV1(
        int Version,
        string[] Classes,
        int InputSize,
        int HiddenSize,
        float[] InputMean,
        float[] InputScale,
        float[] HiddenWeights,
        float[] HiddenBias,
        float[] OutputWeights,
        float[] OutputBias,
        string EmbeddingFingerprint,
        RetrievalSpace RetrievalSpace,
        float CategoryBoost,
        float NoMatchThreshold,
        HeadMetrics Metrics,
        TrainingOptions Options,
        DateTimeOffset TrainedAt);
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Lookbook.Vision.Embedding;

/// <summary>
/// Activation ranges measured by running the float model over catalog images: what int8 quantisation needs to
/// choose each tensor's scale. Tied to the model file, layers and input size it was measured with.
/// </summary>
public sealed record CalibrationTable(string Model, string Layers, int InputSize, int Images, Dictionary<string, TensorRange> Ranges)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>A short hash of the ranges: part of the embedding fingerprint, since other ranges give other vectors.</summary>
    public string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Ranges.OrderBy(r => r.Key, StringComparer.Ordinal), Json))))[..8];

    public void Save(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }

    public static CalibrationTable Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(
                $"Int8 precision needs a calibration of the model on catalog images, and {path} does not exist. Run `lookbook quantize` on the catalog first.");
        }

        try
        {
            return JsonSerializer.Deserialize<CalibrationTable>(File.ReadAllText(path), Json)
                ?? throw new ModelLoadException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{path} is not a calibration table ({e.Message}). Run `lookbook quantize` again.", e);
        }
    }

    /// <summary>Throws when the table was measured with another model, layer or input size.</summary>
    public void EnsureMatches(string model, string layers, int inputSize, string path)
    {
        if (Model != model || Layers != layers || InputSize != inputSize)
        {
            throw new ModelLoadException(
                $"The calibration {path} was measured for {Model} layers={Layers} at {InputSize} px, not for {model} layers={layers} at {inputSize} px. Run `lookbook quantize` again.");
        }
    }
}

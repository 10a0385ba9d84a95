using System.Security.Cryptography;
using System.Text;

namespace Lookbook.Vision.Embedding;

/// <summary>
/// What produced a vector: model content, layers and pre-processing. Two vectors are comparable
/// only when their fingerprints are equal; the database stores it to detect a changed model.
/// </summary>
/// <param name="Description">Readable summary, e.g. "resnet18.onnx sha256:0123abcd layers=... input=64 ...".</param>
/// <param name="Dimension">Length of the vectors.</param>
public sealed record EmbeddingProfile(string Description, int Dimension)
{
    /// <summary>Short stable hash of the description.</summary>
    public string Fingerprint { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Description)))[..16];
}

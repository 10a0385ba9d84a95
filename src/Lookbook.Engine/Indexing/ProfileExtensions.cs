using Lookbook.Storage;
using Lookbook.Vision.Embedding;

namespace Lookbook.Engine.Indexing;

public static class ProfileExtensions
{
    /// <summary>The profile as the database records it.</summary>
    public static StoredEmbeddingProfile ToStored(this EmbeddingProfile profile) =>
        new(profile.Fingerprint, profile.Description, profile.Dimension);
}

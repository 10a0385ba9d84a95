namespace Lookbook.Vision.Images;

/// <summary>Why an image could not be used.</summary>
public enum ImageProblem
{
    /// <summary>The file has no bytes.</summary>
    Empty,

    /// <summary>The bytes are not in any supported image format.</summary>
    NotAnImage,

    /// <summary>The file ends before the image data does.</summary>
    Truncated,

    /// <summary>The image data is damaged.</summary>
    Corrupt,

    /// <summary>The file or its pixel count is over the configured limits (e.g. a decompression bomb).</summary>
    TooLarge,

    /// <summary>The selected region covers less than a pixel of the decoded image.</summary>
    RegionTooSmall,
}

/// <summary>An image that cannot be decoded or is refused by the limits; the message names the problem.</summary>
public sealed class ImageRejectedException(ImageProblem problem, string message) : Exception(message)
{
    public ImageProblem Problem { get; } = problem;
}

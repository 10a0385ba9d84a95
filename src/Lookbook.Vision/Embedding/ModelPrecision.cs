namespace Lookbook.Vision.Embedding;

#pragma warning disable CA1720 // the names of the number formats are what users write in configuration

/// <summary>The arithmetic the backbone runs in.</summary>
public enum ModelPrecision
{
    /// <summary>The model as published.</summary>
    Float32,

    /// <summary>
    /// Convolutions in 8-bit integers (static quantisation calibrated on catalog images by <c>lookbook quantize</c>):
    /// faster, with vectors that differ slightly from float32 ones (a different embedding profile: re-index).
    /// </summary>
    Int8,
}

namespace Lookbook.Vision.Images;

/// <summary>Order of the colour planes in the model's input tensor.</summary>
public enum ChannelOrder
{
    Rgb,
    Bgr,
}

/// <summary>How a non-square image is fitted into the square model input.</summary>
public enum ResizeMode
{
    /// <summary>Scale the shorter side to the input size and cut the centre (the ImageNet convention).</summary>
    CenterCrop,

    /// <summary>Scale the longer side to the input size and pad with white (keeps the whole garment).</summary>
    Pad,
}

/// <summary>
/// Turns pixels into the model's input: value = (pixel × <see cref="PixelScale"/> − mean) / std per channel.
/// Defaults match the ResNet18 shipped by Microsoft.ML.DnnImageFeaturizer.ResNet18 (Caffe-style:
/// BGR planes, 0..255, ImageNet mean subtracted, no std division). A torchvision export would use
/// Rgb, PixelScale 1/255, MeanRgb 0.485/0.456/0.406 and StdRgb 0.229/0.224/0.225.
/// </summary>
public sealed class PreprocessingOptions
{
    public int InputSize { get; set; } = 64;

    public ChannelOrder ChannelOrder { get; set; } = ChannelOrder.Bgr;

    public float PixelScale { get; set; } = 1f;

    /// <summary>Per-channel mean, always given in R, G, B order whatever <see cref="ChannelOrder"/> is.</summary>
    public float[] MeanRgb { get; set; } = [123.15f, 115.90f, 103.06f];

    /// <summary>Per-channel standard deviation in R, G, B order.</summary>
    public float[] StdRgb { get; set; } = [1f, 1f, 1f];

    public ResizeMode ResizeMode { get; set; } = ResizeMode.CenterCrop;

    /// <summary>Human-readable and stable; part of the embedding fingerprint.</summary>
    public string Describe() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"input={InputSize} order={ChannelOrder} scale={PixelScale:R} mean={string.Join('/', MeanRgb.Select(m => m.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))} std={string.Join('/', StdRgb.Select(s => s.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))} resize={ResizeMode}");

    /// <summary>Problems with the values, empty when they are usable.</summary>
    public IEnumerable<string> Validate()
    {
        if (InputSize is < 16 or > 1024)
        {
            yield return $"InputSize must be between 16 and 1024 pixels; got {InputSize}.";
        }

        if (MeanRgb is not { Length: 3 } || StdRgb is not { Length: 3 })
        {
            yield return "MeanRgb and StdRgb must each have exactly 3 values (R, G, B).";
        }
        else if (StdRgb.Any(s => !(s > 0)))
        {
            yield return "StdRgb values must be positive.";
        }

        if (!(PixelScale > 0))
        {
            yield return $"PixelScale must be positive; got {PixelScale}.";
        }
    }
}

namespace Lookbook.Vision.Synthesis;

/// <summary>How far a synthesised shopper photo is from the catalog shot it was made from.</summary>
public enum ShopperPhotoStrength
{
    /// <summary>The product large in the frame, a plain background, a little tilt, good light, a good JPEG.</summary>
    Mild,

    /// <summary>The product at half the frame on a textured background, tilted, other light, some blur, a phone's JPEG.</summary>
    Medium,

    /// <summary>The product small, on a busy background, strongly tilted, partly covered, dim or coloured light, blurred, a poor JPEG.</summary>
    Strong,
}

/// <summary>The ranges a strength draws its changes from (each uniformly).</summary>
internal sealed record StrengthRanges(
    float MinFill,
    float MaxFill,
    float MaxRotationDegrees,
    float BackgroundTexture,
    float MaxLightShift,
    float MaxBlurSigma,
    float OcclusionProbability,
    int JpegQuality)
{
    public static StrengthRanges Of(ShopperPhotoStrength strength, bool otherParameters = false) => (strength, otherParameters) switch
    {
        (ShopperPhotoStrength.Mild, false) => new(0.70f, 0.85f, 6, 0.15f, 0.08f, 0.4f, 0f, 85),
        (ShopperPhotoStrength.Medium, false) => new(0.45f, 0.65f, 15, 0.5f, 0.18f, 1.2f, 0.25f, 60),
        (_, false) => new(0.30f, 0.45f, 30, 1f, 0.30f, 2.2f, 0.6f, 35),

        // Ranges no training run draws from (a little smaller, more tilted, busier, darker, blurrier, worse JPEG), so an
        // evaluation can tell learning the shopper's photo from learning the synthesiser's settings.
        (ShopperPhotoStrength.Mild, true) => new(0.62f, 0.78f, 9, 0.3f, 0.12f, 0.7f, 0.1f, 75),
        (ShopperPhotoStrength.Medium, true) => new(0.38f, 0.58f, 20, 0.7f, 0.24f, 1.6f, 0.35f, 50),
        (_, true) => new(0.26f, 0.40f, 36, 1f, 0.36f, 2.6f, 0.7f, 30),
    };
}
